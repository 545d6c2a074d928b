package dev.portcullis.ssh;

/** What every bridged channel of one listener uses. */
record BridgeServices(SshPolicy policy, SshApprovals approvals, SshSessionEvents events,
    ChannelRecorders recorders, TargetConnector connector) {}
