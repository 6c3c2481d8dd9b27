#pragma once
// The secure-mail message, built as a pure function (no I/O, no clock, no randomness of its own):
//
//   outer headers   From, To, Subject (RFC 2047), Date (RFC 5322), Message-ID
//   S/MIME entity   multipart/signed (from the signer), which signs the inner entity:
//     multipart/mixed
//       text/plain; charset=utf-8, quoted-printable: what this mail is and how to verify it
//       application/xml, base64: the signed product, <product>-<delivery id>.xml
//
// The text names only the product, the zaaknummer, the delivery id, the product's SHA-256 and the
// hub's contact details: it is never derived from the product's content, so no BSN, name or
// address of a person can end up in it. A header value from event data (zaaknummer, process
// step, delivery id, addresses) with CR, LF or another control character is refused.
// CRLF line endings throughout.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "hub/core/result.h"

namespace hub::securemail {

struct HubContact {
  std::string name;   // e.g. "Gemeente Test, team ketenhub"
  std::string email;  // functional mailbox of the hub's operators
  std::string phone;
};

struct MailFields {
  std::string from;               // sender address
  std::string to;                 // recipient address
  std::string message_id_domain;  // right-hand side of Message-ID (hub OIN or host)
  std::string delivery_id;
  std::string case_id;       // zaaknummer
  std::string process_step;  // human name of the step
  std::string product;
  std::string product_sha256;  // lower-case hex of the attachment
  int64_t now_ms = 0;          // Date header (and the S/MIME signing time, by the caller)
  HubContact contact;
};

// Signs one inner MIME entity and returns the multipart/signed entity (tls::SmimeSigner::sign).
using SignFn = std::function<Result<std::string>(std::string_view entity)>;

// The complete message (outer headers + signed entity); errors are errc::kInvalidInput with a
// message that names the field but never quotes its value.
Result<std::string> buildMail(const MailFields& fields, std::string_view signed_product,
                              const SignFn& sign);

// The parts, exposed for tests.
// The inner multipart/mixed entity (built with libmimetic; see the .cc for what is by hand).
Result<std::string> buildInnerEntity(const MailFields& fields, std::string_view signed_product);
// The plain-text body (UTF-8, CRLF line ends), before transfer encoding.
std::string bodyText(const MailFields& fields);
// "<zaak> – <step>" as RFC 2047 encoded words (UTF-8, base64), folded to 78 columns.
std::string encodeSubject(std::string_view case_id, std::string_view process_step);
// "Tue, 01 Dec 2026 07:15:00 +0000" (RFC 5322 §3.3, UTC, English names, locale-free).
std::string rfc5322Date(int64_t unix_ms);
// Quoted-printable (RFC 2045 §6.7) of CRLF text: line breaks stay CRLF, lines at most 76.
std::string quotedPrintable(std::string_view text);

// Why an address is unusable (nullopt: fine): one '@', no control or white-space characters,
// dot-atom local part and a host name with at least one dot.
std::optional<std::string> addressProblem(std::string_view address);
// True when s holds no control character (C0, DEL) at all.
bool noControlChars(std::string_view s);

}  // namespace hub::securemail
