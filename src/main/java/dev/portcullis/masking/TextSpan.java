package dev.portcullis.masking;

/** PLACEHOLDER (mask-core): the mask-classify helper owns this file; take its version on merge. */
public record TextSpan(int start, int end, Classifier classifier) {}
