#pragma once
// SmtpResult -> Outcome (pure). Adapters classify, the engine decides:
//   2xx after DATA                      delivered ("smtp 250")
//   4xx reply                           retryable ("smtp 451")
//   5xx reply                           permanent ("smtp 550")
//   no STARTTLS, connect, DNS, TLS,     retryable, with a short precise reason
//   timeout, connection lost            ("smtp: server offers no STARTTLS", "smtp: timeout")
//   AUTH refused with 5xx / no usable   permanent (fix the configuration; the engine moves on)
//   AUTH mechanism
// Reasons never carry addresses, content or the server's reply text.
#include "hub/core/outcome.h"
#include "hub/curl/smtp_client.h"

namespace hub::securemail {

Outcome smtpOutcome(const curl::SmtpResult& r);

}  // namespace hub::securemail
