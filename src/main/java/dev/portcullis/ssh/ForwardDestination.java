package dev.portcullis.ssh;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where an agent asks a forward to go, in the one spelling that rules are matched against and that the target is
 * then asked to connect to: so what was judged is exactly what is opened.
 *
 * <p>A resolver accepts many spellings of one address ({@code 127.1}, {@code 0x7f000001}, {@code 2130706433},
 * {@code ::ffff:127.0.0.1}, {@code DB.internal.}); a deny rule written for one of them must not be dodged by
 * another. So: IPv4 only as four plain decimal numbers; IPv6 in its RFC 5952 form ({@code ::1}, lower case,
 * shortest), an IPv4-mapped one as its IPv4 address; host names in lower case without a trailing dot, made of
 * letters, digits, {@code -} and {@code _}, and not ending in a label that starts with a digit (which resolvers
 * may read as a number). Anything else is refused with a reason, before the policy is asked.
 *
 * <p>The name is judged, not what it resolves to: the target resolves it, as a jump host would.
 *
 * @param host the host to connect to: a name, a dotted IPv4 address, or an IPv6 address without brackets
 */
record ForwardDestination(String host, int port) {
  /** A label neither starts nor ends with '-' (no "-oOption" look-alikes reach a resolver or a log). */
  private static final Pattern LABEL = Pattern.compile("[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?");
  private static final Pattern IPV4ISH = Pattern.compile("[0-9.]+");
  private static final Pattern IPV6ISH = Pattern.compile("[0-9a-fA-F:.]+");
  /** Reasons quote at most this much of what the agent sent. */
  static final int SHOWN = 100;

  /** {@code host:port}, or {@code [v6]:port}: the detail rules' {@code commands:} globs see. */
  String detail() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  /**
   * @param host as the agent sent it (OpenSSH sends IPv6 addresses without brackets; brackets are accepted too)
   * @throws IllegalArgumentException with a reason meant for the agent
   */
  static ForwardDestination parse(String host, long port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is not a TCP port");
    }
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("no host given");
    }
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (h.indexOf(':') >= 0) {
      return new ForwardDestination(ipv6(h, host), (int) port);
    }
    if (IPV4ISH.matcher(h).matches()) {
      return new ForwardDestination(ipv4(h, host), (int) port);
    }
    return new ForwardDestination(name(h, host), (int) port);
  }

  private static String ipv4(String h, String asked) {
    String[] parts = h.split("\\.", -1);
    if (parts.length != 4) {
      throw notCanonical(asked, "write IPv4 addresses as four decimal numbers");
    }
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0') || Integer.parseInt(p) > 255) {
        throw notCanonical(asked, "write IPv4 addresses as four decimal numbers 0-255 without leading zeros");
      }
    }
    return h;
  }

  private static String ipv6(String h, String asked) {
    if (!IPV6ISH.matcher(h).matches()) { // also keeps zone ids (%eth0) and names out of the parser
      throw notCanonical(asked, "not an IPv6 address");
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(h); // a literal with ':' is parsed, never looked up
    } catch (UnknownHostException e) {
      throw notCanonical(asked, "not an IPv6 address");
    }
    if (address instanceof Inet4Address v4) {
      return v4.getHostAddress(); // ::ffff:a.b.c.d is that IPv4 address, and judged as such
    }
    return rfc5952(address.getAddress());
  }

  /** Lower case, no leading zeros, the longest run (the first of equal ones) of two or more zero groups as "::". */
  static String rfc5952(byte[] a) {
    int[] g = new int[8];
    for (int i = 0; i < 8; i++) {
      g[i] = ((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLen = 1;
    for (int i = 0; i < 8; ) {
      if (g[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && g[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        s.append("::");
        i += bestLen - 1;
        continue;
      }
      if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
        s.append(':');
      }
      s.append(Integer.toHexString(g[i]));
    }
    return s.toString();
  }

  private static String name(String h, String asked) {
    String n = h.toLowerCase(Locale.ROOT);
    if (n.endsWith(".")) {
      n = n.substring(0, n.length() - 1);
    }
    if (n.isEmpty() || n.length() > 253) {
      throw notCanonical(asked, "not a host name");
    }
    String[] labels = n.split("\\.", -1);
    for (String label : labels) {
      if (!LABEL.matcher(label).matches()) {
        throw notCanonical(asked, "a host name is letters, digits, '-' and '_' between dots (no '-' at a"
            + " label's ends)");
      }
    }
    if (Character.isDigit(labels[labels.length - 1].charAt(0))) {
      throw notCanonical(asked, "a host name's last label cannot start with a digit (a resolver may read it as"
          + " a number)");
    }
    return n;
  }

  private static IllegalArgumentException notCanonical(String asked, String why) {
    return new IllegalArgumentException("host '" + shown(asked) + "': " + why);
  }

  /** What the agent sent, cut and with control characters replaced, for reasons and events. */
  static String shown(String text) {
    if (text == null) {
      return "";
    }
    String cut = text.length() > SHOWN ? text.substring(0, SHOWN) + "…" : text;
    StringBuilder s = new StringBuilder(cut.length());
    cut.codePoints().forEach(c -> s.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return s.toString();
  }
}
