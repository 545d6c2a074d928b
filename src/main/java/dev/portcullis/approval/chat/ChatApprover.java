package dev.portcullis.approval.chat;

import java.util.List;
import java.util.Objects;

/**
 * Who a chat user is in our identity terms. The groups come from the bot's config, not from a token: a button click
 * carries only the chat user's id, and the bot holds no credential of the person who clicked.
 */
public record ChatApprover(String subject, List<String> groups) {
  public ChatApprover {
    Objects.requireNonNull(subject, "subject");
    groups = List.copyOf(groups);
  }
}
