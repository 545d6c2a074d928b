package dev.portcullis.approval.chat;

/** Where a posted message lives, as {@code chat.postMessage} answered: what {@code chat.update} needs. */
public record PostedMessage(String channel, String ts) {}
