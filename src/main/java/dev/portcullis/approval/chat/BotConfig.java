package dev.portcullis.approval.chat;

import dev.portcullis.config.Secret;
import java.util.Map;
import java.util.Objects;

/** {@code portcullis approver-bot --config bot.yaml}: where approval requests come from and where they are shown. */
public record BotConfig(Kafka kafka, Chat chat) {
  public static final String DEFAULT_ACTIONS_PATH = "/slack/actions";

  /**
   * @param groupId    the consumer group that shares the posting of requests between bot instances
   * @param properties extra client properties (e.g. {@code security.protocol}), applied to the consumers and the
   *                   decision producer alike
   */
  public record Kafka(String bootstrapServers, String topicPrefix, String groupId, Map<String, String> properties) {
    public Kafka {
      Objects.requireNonNull(bootstrapServers, "bootstrapServers");
      Objects.requireNonNull(topicPrefix, "topicPrefix");
      Objects.requireNonNull(groupId, "groupId");
      properties = Map.copyOf(properties);
    }
  }

  /**
   * @param apiUrl      the Web API base, without a trailing slash ({@code https://slack.com/api})
   * @param actionsPath where interactivity callbacks are received ({@value #DEFAULT_ACTIONS_PATH} by default)
   * @param approvers   chat user id → who that person is
   */
  public record Chat(String apiUrl, Secret botToken, Secret signingSecret, String channel, String host, int port,
      String actionsPath, Map<String, ChatApprover> approvers) {
    public Chat {
      Objects.requireNonNull(apiUrl, "apiUrl");
      Objects.requireNonNull(botToken, "botToken");
      Objects.requireNonNull(signingSecret, "signingSecret");
      Objects.requireNonNull(channel, "channel");
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(actionsPath, "actionsPath");
      approvers = Map.copyOf(approvers);
    }
  }
}
