package dev.portcullis.approval;

import java.util.List;

/** Over the event bus: the pending requests of every instance, oldest first. */
public record PendingList(List<ApprovalRequest> requests) {
  public PendingList {
    requests = List.copyOf(requests);
  }
}
