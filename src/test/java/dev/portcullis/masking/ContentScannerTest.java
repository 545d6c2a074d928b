package dev.portcullis.masking;

import static dev.portcullis.masking.Classifier.CARD;
import static dev.portcullis.masking.Classifier.EMAIL;
import static dev.portcullis.masking.Classifier.IBAN;
import static dev.portcullis.masking.Classifier.PHONE;
import static dev.portcullis.masking.Classifier.SECRET;
import static dev.portcullis.masking.Classifier.SSN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ContentScannerTest {
  private static final ContentScanner ALL = new ContentScanner(EnumSet.allOf(Classifier.class));

  /** What {@code scanner} finds, as {@code "classifier:text"} in order. */
  private static List<String> found(ContentScanner scanner, String text) {
    List<String> out = new ArrayList<>();
    for (TextSpan s : scanner.find(text)) {
      out.add(s.classifier().configName() + ":" + text.substring(s.start(), s.end()));
    }
    return out;
  }

  private static List<String> found(String text) {
    return found(ALL, text);
  }

  private static List<String> only(Classifier c, String text) {
    return found(new ContentScanner(Set.of(c)), text);
  }

  @Test
  void emptyTextAndNoClassifiers() {
    assertEquals(List.of(), ALL.find(""));
    assertEquals(List.of(), new ContentScanner(Set.of()).find("4111 1111 1111 1111 a@b.com"));
    assertEquals(Set.of(), new ContentScanner(Set.of()).enabled());
    assertEquals(EnumSet.of(CARD, SSN), new ContentScanner(Set.of(SSN, CARD)).enabled());
    assertThrows(UnsupportedOperationException.class, () -> ALL.enabled().add(CARD));
  }

  @Test
  void cardNumbers() {
    assertEquals(List.of("card:4111111111111111"), found("card 4111111111111111."));
    assertEquals(List.of("card:4111 1111 1111 1111"), found("4111 1111 1111 1111"));
    assertEquals(List.of("card:5555-5555-5555-4444"), found("mc=5555-5555-5555-4444;"));
    assertEquals(List.of("card:3782 822463 10005"), found("amex 3782 822463 10005 ok"));
    assertEquals(List.of("card:4222222222222"), found("(4222222222222)"));
    assertEquals(List.of("card:6222021000000000009"), found("19 digits 6222021000000000009"));
    assertEquals(List.of("card:6011111111111117", "card:4000056655665556"),
        found("6011111111111117,4000056655665556"));
    // an expiry or another group after the number does not hide it
    assertEquals(List.of("card:4111 1111 1111 1111"), found("4111 1111 1111 1111 12 25"));
    assertEquals(List.of("card:4111 1111 1111 1111"), found("ref 9876 4111 1111 1111 1111"));
    assertEquals(List.of("card:4111111111111111"), found("id4111111111111111x"));
  }

  @Test
  void cardNearMisses() {
    assertEquals(List.of(), only(CARD, "4111111111111112"), "Luhn fails");
    assertEquals(List.of(), only(CARD, "4111 1111 1111 1112"));
    assertEquals(List.of(), only(CARD, "14111111111111111"), "inside a longer digit run");
    assertEquals(List.of(), only(CARD, "41111111111111110000"));
    assertEquals(List.of(), only(CARD, "3.4111111111111111"), "a decimal fraction");
    assertEquals(List.of(), only(CARD, "4111111111111111.5"));
    assertEquals(List.of(), only(CARD, "4111  1111  1111  1111"), "double spaces are no grouping");
    assertEquals(List.of(), only(CARD, "4111-1111 1111-1111"), "mixed separators");
    assertEquals(List.of(), only(CARD, "4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1"), "single-digit groups");
    assertEquals(List.of(), only(CARD, "411111111111"), "12 digits");
    assertEquals(List.of(), only(CARD, "٤١١١١١١١١١١١١١١١"), "non-ASCII digits");
  }

  @Test
  void emailAddresses() {
    assertEquals(List.of("email:alice@example.com"), found("mail alice@example.com."));
    assertEquals(List.of("email:first.last+tag@mail.example.co.uk"), found("<first.last+tag@mail.example.co.uk>"));
    assertEquals(List.of("email:x@example.com"), found("key='x@example.com'"));
    assertEquals(List.of("email:b@example.com"), found("a..b@example.com"));
    assertEquals(List.of("email:u_1@xn--bcher-kva.xn--p1ai"), found("u_1@xn--bcher-kva.xn--p1ai"));
    assertEquals(List.of("email:a@example.com"), found("a@example.com.123"));
  }

  @Test
  void emailNearMisses() {
    assertEquals(List.of(), only(EMAIL, "@example.com"));
    assertEquals(List.of(), only(EMAIL, "alice@localhost"));
    assertEquals(List.of(), only(EMAIL, "alice.@example.com"));
    assertEquals(List.of(), only(EMAIL, "alice@-example.com"));
    assertEquals(List.of(), only(EMAIL, "alice@example.c0m"));
    assertEquals(List.of(), only(EMAIL, "alice@@example.com"));
    assertEquals(List.of(), only(EMAIL, "x".repeat(65) + "@example.com"), "local part too long");
    assertEquals(List.of(), only(EMAIL, "a@" + "b".repeat(64) + ".com"), "label too long");
  }

  @Test
  void socialSecurityNumbers() {
    assertEquals(List.of("ssn:123-45-6789"), found("SSN 123-45-6789."));
    assertEquals(List.of("ssn:123 45 6789"), found("ssn=123 45 6789"));
    assertEquals(List.of("ssn:665-01-0001", "ssn:899-99-9999"), found("665-01-0001/899-99-9999"));
  }

  @Test
  void socialSecurityNearMisses() {
    for (String s : List.of("000-12-3456", "666-12-3456", "900-12-3456", "999-12-3456", "123-00-4567",
        "123-45-0000", "123-45 6789", "123.45.6789", "1123-45-6789", "123-45-67890", "123456789")) {
      assertEquals(List.of(), only(SSN, s), s);
    }
  }

  @Test
  void phoneNumbers() {
    assertEquals(List.of("phone:+1 (555) 123-4567"), found("call +1 (555) 123-4567 now"));
    assertEquals(List.of("phone:+44 20 7946 0958"), found("tel:+44 20 7946 0958"));
    assertEquals(List.of("phone:+33.1.23.45.67.89"), found("+33.1.23.45.67.89"));
    assertEquals(List.of("phone:+4930123456"), found("+4930123456"));
    assertEquals(List.of("phone:(555) 123-4567"), found("(555) 123-4567"));
    assertEquals(List.of("phone:555-123-4567"), found("at 555-123-4567."));
    assertEquals(List.of("phone:555.123.4567"), found("555.123.4567"));
    assertEquals(List.of("phone:1-555-123-4567"), found("1-555-123-4567"));
  }

  @Test
  void phoneNearMisses() {
    for (String s : List.of("2024-01-15", "192.168.100.200", "10.555.123.4567", "v1.2.3", "5551234567",
        "+1234567", "1+23456789", "+1234567890123456", "555-123-45678", "555-123.4567", "12-555-123-4567",
        "(555 123-4567", "+1 (555 123-4567")) {
      assertEquals(List.of(), only(PHONE, s), s);
    }
  }

  @Test
  void cardTakesPrecedenceOverPhone() {
    // "+" and a 13-digit Luhn-valid run reads as both; the card wins although the phone span is longer
    assertEquals(List.of("card:4222222222222"), found("+4222222222222"));
    assertEquals(List.of("phone:+4222222222222"), only(PHONE, "+4222222222222"));
  }

  @Test
  void ibans() {
    assertEquals(List.of("iban:GB82WEST12345698765432"), found("IBAN GB82WEST12345698765432."));
    assertEquals(List.of("iban:GB82 WEST 1234 5698 7654 32"), found("GB82 WEST 1234 5698 7654 32"));
    assertEquals(List.of("iban:DE89 3704 0044 0532 0130 00"), found("to DE89 3704 0044 0532 0130 00 EUR"));
    assertEquals(List.of("iban:BE68 5390 0754 7034"), found("BE68 5390 0754 7034 THEN"));
    assertEquals(List.of("iban:NO9386011117947"), found("NO9386011117947"));
    assertEquals(List.of("iban:MT84MALT011000012345MTLCAST001S"), found("MT84MALT011000012345MTLCAST001S"));
  }

  @Test
  void ibanNearMisses() {
    for (String s : List.of("GB82WEST12345698765433", "GB82 WEST 1234 5698 7654 33", "gb82west12345698765432",
        "XGB82WEST12345698765432", "GB82WEST12345698765432X", "GB82WEST123", "GB82 WEST12 3456 9876 5432")) {
      assertEquals(List.of(), only(IBAN, s), s);
    }
  }

  @Test
  void secrets() {
    String jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    assertEquals(List.of("secret:" + jwt), found("Authorization: Bearer " + jwt + "."));
    assertEquals(List.of("secret:eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0."), found("eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0."));
    assertEquals(List.of("secret:AKIAIOSFODNN7EXAMPLE"), found("key AKIAIOSFODNN7EXAMPLE,"));
    assertEquals(List.of("secret:ASIAIOSFODNN7EXAMPLE"), found("ASIAIOSFODNN7EXAMPLE"));
    String awsSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    assertEquals(List.of("secret:" + awsSecret), found("aws_secret_access_key = " + awsSecret));
    assertEquals(List.of("secret:" + awsSecret), found("{\"SecretAccessKey\": \"" + awsSecret + "\"}"));
    assertEquals(List.of("secret:" + awsSecret), found("AWS_SECRET_ACCESS_KEY=" + awsSecret));
    String ghp = "ghp_" + "a1B2c3D4e5".repeat(3) + "abcdef";
    assertEquals(List.of("secret:" + ghp), found("token " + ghp));
    String pat = "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz";
    assertEquals(List.of("secret:" + pat), found(pat));
    assertEquals(List.of("secret:xoxb-1234567890-abcdefABCDEF"), found("slack xoxb-1234567890-abcdefABCDEF"));
  }

  @Test
  void secretNearMisses() {
    String awsSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    for (String s : List.of(awsSecret, "secret = " + awsSecret, "aws_secret_access_key = " + awsSecret + "X",
        "AKIAIOSFODNN7EXAMPL", "AKIAIOSFODNN7EXAMPLEX", "XAKIAIOSFODNN7EXAMPLE", "AKIAiosfodnn7example",
        "ghp_short", "xghp_" + "a".repeat(36), "xoxc-1234567890-abcdef", "xoxb-123",
        "eyJhbGciOiJIUzI1NiJ9", "eyJhbGciOiJIUzI1NiJ9.", "XeyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.sig",
        "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----", "-----BEGIN CERTIFICATE-----")) {
      assertEquals(List.of(), only(SECRET, s), s);
    }
  }

  @Test
  void privateKeyBlocksAreOneSpan() {
    String block = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA4111111111111111\nab@cd.com\n"
        + "-----END RSA PRIVATE KEY-----";
    assertEquals(List.of("secret:" + block), found("key:\n" + block + "\nrest a@example.com"
        ).subList(0, 1));
    assertEquals(List.of("secret:" + block, "email:a@example.com"), found("key:\n" + block + "\nrest a@example.com"));
    String openssh = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n-----END OPENSSH PRIVATE KEY-----";
    // the END line must carry the same label: an RSA END does not close an OPENSSH block
    assertEquals(List.of("secret:" + openssh), only(SECRET, openssh));
    String mismatched = "-----BEGIN EC PRIVATE KEY-----\nMHc\n-----END RSA PRIVATE KEY-----\nafter";
    assertEquals(List.of("secret:" + mismatched), only(SECRET, mismatched), "no END: masked to the end");
    String two = "-----BEGIN PRIVATE KEY-----\nA\n-----END PRIVATE KEY----- and "
        + "-----BEGIN PRIVATE KEY-----\nB\n-----END PRIVATE KEY-----";
    assertEquals(2, only(SECRET, two).size());
  }

  @Test
  void overlapsKeepTheLongerSpan() {
    // a card inside an e-mail's local part: the address is longer and is kept whole
    assertEquals(List.of("email:4111111111111111@example.com"), found("4111111111111111@example.com"));
    // an SSN-shaped run inside an international number
    assertEquals(List.of("phone:+1 212 55 5123"), found("+1 212 55 5123"));
    // alone, each classifier still reports its part
    assertEquals(List.of("card:4111111111111111"), only(CARD, "4111111111111111@example.com"));
    assertEquals(List.of("ssn:212 55 5123"), only(SSN, "+1 212 55 5123"));
  }

  @Test
  void spansAreCharIndexesAroundMultibyteText() {
    String text = "顧客 😀 alice@example.com — カード 4111 1111 1111 1111, ☎ +81 3-1234-5678 ✓ 123-45-6789";
    List<TextSpan> spans = ALL.find(text);
    assertEquals(List.of(
        new TextSpan(text.indexOf("alice"), text.indexOf("alice") + 17, EMAIL),
        new TextSpan(text.indexOf("4111"), text.indexOf("4111") + 19, CARD),
        new TextSpan(text.indexOf("+81"), text.indexOf("+81") + 15, PHONE),
        new TextSpan(text.indexOf("123-"), text.indexOf("123-") + 11, SSN)), spans);
  }

  @Test
  void onlyEnabledClassifiersAreReported() {
    String text = "a@example.com 4111111111111111 123-45-6789";
    assertEquals(List.of("ssn:123-45-6789"), only(SSN, text));
    assertEquals(List.of("email:a@example.com", "card:4111111111111111"),
        found(new ContentScanner(Set.of(CARD, EMAIL)), text));
  }

  @Test
  void spansAreSortedAndDisjointOnMixedText() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      b.append("row ").append(i).append(": x").append(i).append("@example.com 4111-1111-1111-1111 +1 555 123 4567 ")
          .append("GB82 WEST 1234 5698 7654 32 AKIAIOSFODNN7EXAMPLE 123-45-6789\n");
    }
    List<TextSpan> spans = ALL.find(b);
    assertEquals(200 * 6, spans.size());
    for (int i = 1; i < spans.size(); i++) {
      assertTrue(spans.get(i - 1).end() <= spans.get(i).start(), spans.get(i - 1) + " / " + spans.get(i));
    }
  }

  @Test
  void longNearMissInputsFinish() {
    // 1 MiB of each near-miss family; a backtracking pattern would take minutes here. A generous safety net only.
    List<String> families = List.of(
        "4111 1111 1111 1112 ", "000-12-3456 ", "a@b ", "+1234567 ", "GB82 WEST 1234 5698 7654 33 ",
        "eyJhbGciOiJIUzI1NiJ9. ", "ghp_short ", "secret_access_key = short ", "-----BEGIN RSA PUBLIC KEY----- ",
        "1", "@", "a.", "x@", "eyJ", "+1 ", "1 ", "1-", "(", "AKIA", "-----END PRIVATE KEY-----", "GB82 ");
    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
      for (String f : families) {
        String text = f.repeat((1 << 20) / f.length() + 1);
        List<TextSpan> spans = ALL.find(text);
        if (!f.equals("GB82 ")) { // "GB82 GB82 …" is IBAN-shaped: mod-97 lets one cut in 97 through, as it should
          assertTrue(spans.size() < 4, f + " found " + spans.size());
        }
      }
    });
  }
}
