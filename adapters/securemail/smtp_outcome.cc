#include "adapters/securemail/smtp_outcome.h"

#include <string>

namespace hub::securemail {
namespace {

using curl::SmtpTransport;

std::string code(int smtp_code) { return "smtp " + std::to_string(smtp_code); }

Outcome byReply(int smtp_code, const char* what) {
  std::string reason = code(smtp_code) + what;
  if (smtp_code >= 500 && smtp_code <= 599) return Outcome::permanent(reason);
  return Outcome::retryable(reason);
}

}  // namespace

Outcome smtpOutcome(const curl::SmtpResult& r) {
  if (r.ok() && r.smtp_code >= 200 && r.smtp_code <= 299) {
    return Outcome{OutcomeKind::kDelivered, code(r.smtp_code), 0, std::nullopt, {}};
  }
  switch (r.transport) {
    case SmtpTransport::kNoStartTls:
      return Outcome::retryable("smtp: server offers no STARTTLS");
    case SmtpTransport::kDns:
      return Outcome::retryable("smtp: cannot resolve the relay");
    case SmtpTransport::kConnect:
      return Outcome::retryable("smtp: cannot connect");
    case SmtpTransport::kTimeout:
      return Outcome::retryable("smtp: timeout");
    case SmtpTransport::kTls:
      return Outcome::retryable("smtp: TLS handshake or certificate check failed");
    case SmtpTransport::kSend:
    case SmtpTransport::kReceive:
      return Outcome::retryable("smtp: connection lost");
    case SmtpTransport::kLogin:
      if (r.smtp_code >= 400 && r.smtp_code <= 599) return byReply(r.smtp_code, " (AUTH)");
      return Outcome::permanent("smtp: no usable AUTH mechanism offered");
    case SmtpTransport::kNone:
      if (r.smtp_code >= 400 && r.smtp_code <= 599) return byReply(r.smtp_code, "");
      if (r.ok()) return Outcome::retryable("smtp: unexpected reply " + code(r.smtp_code));
      break;
    case SmtpTransport::kOther:
      break;
  }
  return Outcome::retryable("smtp: transfer failed (curl " + std::to_string(r.curl_code) + ")");
}

}  // namespace hub::securemail
