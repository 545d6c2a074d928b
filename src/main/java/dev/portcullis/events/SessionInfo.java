package dev.portcullis.events;

import dev.portcullis.identity.Identity;

/** The fields every event of one session shares (design-notes §4). */
public record SessionInfo(String sessionId, String gatewayId, Identity identity, String target, String protocol) {}
