#include "adapters/securemail/smtp_outcome.h"

#include <gtest/gtest.h>

namespace hub::securemail {
namespace {

using curl::SmtpResult;
using curl::SmtpTransport;

SmtpResult result(int curl_code, int smtp_code, SmtpTransport t) {
  SmtpResult r;
  r.curl_code = curl_code;
  r.smtp_code = smtp_code;
  r.transport = t;
  r.detail = "RCPT failed: 550";
  return r;
}

TEST(SmtpOutcome, TwoHundredsAreDelivered) {
  Outcome o = smtpOutcome(result(0, 250, SmtpTransport::kNone));
  EXPECT_EQ(o.kind, OutcomeKind::kDelivered);
  EXPECT_EQ(o.reason, "smtp 250");
  EXPECT_EQ(o.http_status, 0);
}

TEST(SmtpOutcome, RepliesDecide) {
  // libcurl: 55 = CURLE_SEND_ERROR (MAIL/RCPT refused), 8 = CURLE_WEIRD_SERVER_REPLY (after DATA).
  EXPECT_EQ(smtpOutcome(result(8, 451, SmtpTransport::kNone)).kind, OutcomeKind::kRetryable);
  EXPECT_EQ(smtpOutcome(result(8, 451, SmtpTransport::kNone)).reason, "smtp 451");
  EXPECT_EQ(smtpOutcome(result(55, 452, SmtpTransport::kNone)).kind, OutcomeKind::kRetryable);
  EXPECT_EQ(smtpOutcome(result(55, 550, SmtpTransport::kNone)).kind, OutcomeKind::kPermanent);
  EXPECT_EQ(smtpOutcome(result(55, 550, SmtpTransport::kNone)).reason, "smtp 550");
  EXPECT_EQ(smtpOutcome(result(8, 554, SmtpTransport::kNone)).kind, OutcomeKind::kPermanent);
}

TEST(SmtpOutcome, TransportProblemsAreRetryableWithAPreciseReason) {
  struct Case {
    SmtpTransport t;
    const char* reason;
  };
  for (const Case& c :
       {Case{SmtpTransport::kNoStartTls, "smtp: server offers no STARTTLS"},
        Case{SmtpTransport::kDns, "smtp: cannot resolve the relay"},
        Case{SmtpTransport::kConnect, "smtp: cannot connect"},
        Case{SmtpTransport::kTimeout, "smtp: timeout"},
        Case{SmtpTransport::kTls, "smtp: TLS handshake or certificate check failed"},
        Case{SmtpTransport::kSend, "smtp: connection lost"},
        Case{SmtpTransport::kReceive, "smtp: connection lost"}}) {
    // A STARTTLS refusal comes with the EHLO's 250: still not delivered.
    Outcome o = smtpOutcome(result(64, 250, c.t));
    EXPECT_EQ(o.kind, OutcomeKind::kRetryable) << c.reason;
    EXPECT_EQ(o.reason, c.reason);
  }
}

TEST(SmtpOutcome, AuthRefusals) {
  EXPECT_EQ(smtpOutcome(result(67, 535, SmtpTransport::kLogin)).kind, OutcomeKind::kPermanent);
  EXPECT_EQ(smtpOutcome(result(67, 535, SmtpTransport::kLogin)).reason, "smtp 535 (AUTH)");
  EXPECT_EQ(smtpOutcome(result(67, 454, SmtpTransport::kLogin)).kind, OutcomeKind::kRetryable);
  EXPECT_EQ(smtpOutcome(result(67, 250, SmtpTransport::kLogin)).kind, OutcomeKind::kPermanent);
}

TEST(SmtpOutcome, ReasonsNeverCarryTheDetail) {
  SmtpResult r = result(56, 0, SmtpTransport::kOther);
  r.detail = "something about zorg@om.example.nl";
  Outcome o = smtpOutcome(r);
  EXPECT_EQ(o.kind, OutcomeKind::kRetryable);
  EXPECT_EQ(o.reason, "smtp: transfer failed (curl 56)");
  EXPECT_EQ(o.reason.find('@'), std::string::npos);
}

}  // namespace
}  // namespace hub::securemail
