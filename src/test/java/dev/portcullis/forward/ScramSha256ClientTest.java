package dev.portcullis.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ScramSha256ClientTest {
  // RFC 7677 section 3 test vector.
  private static final String SERVER_FIRST =
      "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";

  @Test
  void matchesRfc7677Vector() {
    ScramSha256Client scram = new ScramSha256Client("user", "pencil", "rOprNGfwEbeRWgbNEkqO");
    assertEquals("n,,n=user,r=rOprNGfwEbeRWgbNEkqO", scram.clientFirstMessage());
    assertEquals("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
        + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", scram.clientFinalMessage(SERVER_FIRST));
    scram.verifyServerFinal("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
  }

  @Test
  void rejectsWrongServerSignature() {
    ScramSha256Client scram = new ScramSha256Client("user", "pencil", "rOprNGfwEbeRWgbNEkqO");
    scram.clientFinalMessage(SERVER_FIRST);
    UpstreamException e = assertThrows(UpstreamException.class,
        () -> scram.verifyServerFinal("v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="));
    assertEquals(UpstreamFailure.BACKEND_AUTH_FAILED, e.failure());
    assertThrows(UpstreamException.class, () -> scram.verifyServerFinal("x=1"));
  }

  @Test
  void rejectsServerNonceThatDoesNotExtendOurs() {
    ScramSha256Client scram = new ScramSha256Client("user", "pencil", "clientnonce");
    assertThrows(UpstreamException.class, () -> scram.clientFinalMessage("r=othernonce123,s=QUJD,i=4096"));
    assertThrows(UpstreamException.class, () -> scram.clientFinalMessage("r=clientnonce,s=QUJD,i=4096"));
    assertThrows(UpstreamException.class, () -> scram.clientFinalMessage("r=clientnonceX,s=QUJD,i=0"));
    assertThrows(UpstreamException.class, () -> scram.clientFinalMessage("r=clientnonceX,s=QUJD"));
  }

  @Test
  void refusesFinalBeforeChallenge() {
    assertThrows(UpstreamException.class, () -> new ScramSha256Client("pw").verifyServerFinal("v=AAAA"));
  }
}
