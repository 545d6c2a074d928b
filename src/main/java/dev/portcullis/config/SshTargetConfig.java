package dev.portcullis.config;

import java.nio.file.Path;

/**
 * One entry of {@code targets:} with {@code type: ssh}. Kept apart from {@link TargetConfig} (the PostgreSQL
 * targets) so that no PostgreSQL code path can ever mistake an SSH host for a database.
 *
 * @param name           the key under {@code targets:}, which agents give as the SSH user name
 * @param username       the account the gateway logs in as on the target
 * @param privateKeyFile the gateway's own key for that account; agents never see it
 * @param hostKey        the target's pinned host key, an OpenSSH public key line ({@code ssh-ed25519 AAAA…});
 *                       any other key refuses the connection
 */
public record SshTargetConfig(String name, String host, int port, String username, Path privateKeyFile,
    String hostKey) {}
