package dev.portcullis.ssh;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.apache.sshd.client.auth.keyboard.UserInteraction;
import org.apache.sshd.client.session.ClientSession;

/** An SSH client's user interaction that keeps the banners the gateway sends (why a login failed). */
final class BannerLog implements UserInteraction {
  final List<String> banners;
  private final Function<ClientSession, String> answer;

  /** @param answer what a keyboard-interactive prompt is answered with */
  BannerLog(List<String> banners, Function<ClientSession, String> answer) {
    this.banners = banners;
    this.answer = answer;
  }

  BannerLog() {
    this(new CopyOnWriteArrayList<>(), session -> null);
  }

  @Override
  public void welcome(ClientSession session, String banner, String lang) {
    banners.add(banner);
  }

  @Override
  public String[] interactive(ClientSession session, String name, String instruction, String lang, String[] prompt,
      boolean[] echo) {
    String a = answer.apply(session);
    return a == null ? null : new String[] {a};
  }

  @Override
  public String getUpdatedPassword(ClientSession session, String prompt, String lang) {
    return null;
  }
}
