package dev.portcullis.config;

import java.nio.file.Path;

/** A PEM certificate chain and its PEM private key (paths already resolved against the config file's directory). */
public record TlsFiles(Path cert, Path key) {}
