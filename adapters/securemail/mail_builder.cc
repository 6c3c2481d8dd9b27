#include "adapters/securemail/mail_builder.h"

#include <mimetic/mimetic.h>

#include <cctype>
#include <cstdio>
#include <ctime>
#include <memory>
#include <sstream>

#include "hub/core/error_codes.h"

namespace hub::securemail {
namespace {

constexpr size_t kSubjectChunkBytes = 39;  // base64 52 chars: "Subject: " + word fits 78 columns
constexpr size_t kQpLineLimit = 75;        // + the soft break '=' = 76 (RFC 2045 §6.7 rule 5)
constexpr size_t kMaxTokenLength = 128;

Unexpected<Error> invalid(const std::string& field, const std::string& problem) {
  return unexpected(errc::kInvalidInput, "securemail: " + field + " " + problem);
}

bool isTokenChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
}

// Delivery ids and product names end up in Message-ID, a MIME boundary and a file name.
bool isToken(std::string_view s) {
  if (s.empty() || s.size() > kMaxTokenLength || s.front() == '.' || s.back() == '.') return false;
  for (char c : s)
    if (!isTokenChar(c)) return false;
  return true;
}

// Length of the UTF-8 sequence starting at s[i], or 0 when it is not valid UTF-8.
size_t utf8Length(std::string_view s, size_t i) {
  const auto b = static_cast<unsigned char>(s[i]);
  size_t n = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  return n;
}

// The mail with bare LFs made CRLF: libmimetic's codecs break lines with a bare LF (the header
// writer uses CRLF). Safe: every body here is 7-bit (quoted-printable or base64).
std::string toCrlf(const std::string& s) {
  std::string out;
  out.reserve(s.size() + s.size() / 64 + 8);
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) out += '\r';
    out += s[i];
  }
  return out;
}

std::string attachmentName(const MailFields& f) { return f.product + "-" + f.delivery_id + ".xml"; }

Result<void> checkFields(const MailFields& f) {
  if (auto p = addressProblem(f.from)) return invalid("sender address", *p);
  if (auto p = addressProblem(f.to)) return invalid("recipient address", *p);
  if (!isToken(f.delivery_id)) return invalid("delivery id", "is not a token ([A-Za-z0-9._-])");
  if (!isToken(f.product)) return invalid("product", "is not a token ([A-Za-z0-9._-])");
  if (!isToken(f.message_id_domain)) return invalid("Message-ID domain", "is not a host name");
  if (f.case_id.empty() || !noControlChars(f.case_id))
    return invalid("zaaknummer", "is empty, not UTF-8 or holds a control character");
  if (f.process_step.empty() || !noControlChars(f.process_step))
    return invalid("process step", "is empty, not UTF-8 or holds a control character");
  if (f.product_sha256.size() != 64 ||
      f.product_sha256.find_first_not_of("0123456789abcdef") != std::string::npos)
    return invalid("product SHA-256", "is not 64 lower-case hex digits");
  for (const std::string* s : {&f.contact.name, &f.contact.email, &f.contact.phone}) {
    if (!noControlChars(*s)) return invalid("hub contact", "holds a control character");
  }
  return {};
}

std::string base64(std::string_view in) {
  static constexpr char kTable[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < in.size(); i += 3) {
    uint32_t v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    if (i + 2 < in.size()) v |= static_cast<unsigned char>(in[i + 2]);
    out += kTable[(v >> 18) & 63];
    out += kTable[(v >> 12) & 63];
    out += i + 1 < in.size() ? kTable[(v >> 6) & 63] : '=';
    out += i + 2 < in.size() ? kTable[v & 63] : '=';
  }
  return out;
}

}  // namespace

bool noControlChars(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const size_t n = utf8Length(s, i);
    if (n == 0) return false;
    const auto b0 = static_cast<unsigned char>(s[i]);
    const auto b1 = n > 1 ? static_cast<unsigned char>(s[i + 1]) : 0;
    const auto b2 = n > 2 ? static_cast<unsigned char>(s[i + 2]) : 0;
    if (n == 1 && (b0 < 0x20 || b0 == 0x7F)) return false;  // C0, DEL
    if (n == 2 && b0 == 0xC2 && b1 < 0xA0) return false;    // C1 (U+0080..U+009F)
    if (n == 3 && b0 == 0xE2 && b1 == 0x80 && (b2 == 0xA8 || b2 == 0xA9))
      return false;  // U+2028 LINE SEPARATOR, U+2029 PARAGRAPH SEPARATOR
    i += n;
  }
  return true;
}

std::optional<std::string> addressProblem(std::string_view a) {
  if (a.empty()) return "is empty";
  if (a.size() > 254) return "is longer than 254 characters";
  for (char c : a) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u >= 0x7F) return "holds a control, space or non-ASCII character";
  }
  const size_t at = a.find('@');
  if (at == std::string_view::npos || a.find('@', at + 1) != std::string_view::npos)
    return "must hold exactly one '@'";
  std::string_view local = a.substr(0, at), domain = a.substr(at + 1);
  static constexpr std::string_view kAtext = "!#$%&'*+/=?^_`{|}~-.";
  if (local.empty() || local.size() > 64) return "has an empty or too long local part";
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos)
    return "has a misplaced '.' in the local part";
  for (char c : local)
    if (!std::isalnum(static_cast<unsigned char>(c)) && kAtext.find(c) == std::string_view::npos)
      return "has a character not allowed in the local part";
  if (domain.find('.') == std::string_view::npos) return "has no dot in the domain";
  size_t start = 0;
  while (start <= domain.size()) {
    size_t end = domain.find('.', start);
    if (end == std::string_view::npos) end = domain.size();
    std::string_view label = domain.substr(start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
      return "has an invalid domain";
    for (char c : label)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return "has an invalid domain";
    start = end + 1;
  }
  return std::nullopt;
}

std::string encodeSubject(std::string_view case_id, std::string_view process_step) {
  const std::string text = std::string(case_id) + " \xE2\x80\x93 " + std::string(process_step);
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    size_t end = i;  // whole UTF-8 characters only: an encoded word must not split one
    while (end < text.size()) {
      size_t n = utf8Length(text, end);
      if (n == 0) n = 1;
      if (end + n - i > kSubjectChunkBytes) break;
      end += n;
    }
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64(std::string_view(text).substr(i, end - i)) + "?=";
    i = end;
  }
  return out;
}

std::string rfc5322Date(int64_t unix_ms) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t secs = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

// By hand, not mimetic::QP::Encoder: libmimetic 0.9.8's encoder switches to its binary mode at the
// first byte >= 0x80 (any UTF-8 text) and from then on encodes every space and line break (=20,
// =0A), so the text loses its CRLF line structure, which RFC 2045 §6.7 rule 4 requires.
std::string quotedPrintable(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t eol = text.find("\r\n", pos);
    const bool last = eol == std::string_view::npos;
    std::string_view line = text.substr(pos, last ? std::string_view::npos : eol - pos);
    size_t width = 0;
    for (size_t i = 0; i < line.size(); ++i) {
      const auto c = static_cast<unsigned char>(line[i]);
      const bool trailing_space = (c == ' ' || c == '\t') && i + 1 == line.size();
      std::string token;
      if ((c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !trailing_space)) {
        token = static_cast<char>(c);
      } else {
        token = {'=', kHex[c >> 4], kHex[c & 15]};
      }
      if (width + token.size() > kQpLineLimit) {
        out += "=\r\n";
        width = 0;
      }
      out += token;
      width += token.size();
    }
    if (last) break;
    out += "\r\n";
    pos = eol + 2;
  }
  return out;
}

std::string bodyText(const MailFields& f) {
  std::string t;
  t += "Deze e-mail is automatisch verstuurd door de ketenhub van " + f.contact.name +
       ",\r\nomdat de digitale koppeling met uw organisatie niet beschikbaar was.\r\n\r\n";
  t += "Product:     " + f.product + "\r\n";
  t += "Zaaknummer:  " + f.case_id + "\r\n";
  t += "Aflever-id:  " + f.delivery_id + "\r\n";
  t += "Bijlage:     " + attachmentName(f) + "\r\n";
  t += "SHA-256:     " + f.product_sha256 + "\r\n\r\n";
  t += "De bijlage is het ondertekende XML-product (XML-Signature, XML-DSig). Controleer voor\r\n"
       "gebruik de handtekening en de certificaatketen, bijvoorbeeld met\r\n"
       "  xmlsec1 --verify --trusted-pem <CA-certificaat> " +
       attachmentName(f) +
       "\r\n"
       "en vergelijk de SHA-256 hierboven met de uitvoer van: sha256sum " +
       attachmentName(f) +
       "\r\n"
       "Deze e-mail zelf is ondertekend met S/MIME.\r\n\r\n";
  t += "Vragen: " + f.contact.name + ", " + f.contact.email + ", " + f.contact.phone + "\r\n";
  return t;
}

Result<std::string> buildInnerEntity(const MailFields& f, std::string_view signed_product) {
  if (auto ok = checkFields(f); !ok) return unexpected(ok.error());
  // A fixed boundary per delivery: prepare() is repeatable. "=_" never occurs in
  // quoted-printable or base64 text, so no body line can look like this boundary.
  const std::string boundary = "=_ketenhub_" + f.delivery_id;
  mimetic::MimeEntity root;  // not mimetic::MultipartMixed: its boundary generator keeps
                             // unsynchronised static state (ContentType::Boundary)
  root.header().contentType().set("multipart/mixed");
  root.header().contentType().param("boundary", boundary);

  auto text = std::make_unique<mimetic::MimeEntity>();
  text->header().contentType().set("text/plain");
  text->header().contentType().param("charset", "utf-8");
  text->header().contentTransferEncoding().set("quoted-printable");
  text->body().assign(quotedPrintable(bodyText(f)));

  auto xml = std::make_unique<mimetic::MimeEntity>();
  xml->header().contentType().set("application/xml");
  xml->header().contentTransferEncoding().set("base64");
  xml->header().contentDisposition().set("attachment");
  xml->header().contentDisposition().param("filename", attachmentName(f));
  xml->body().assign(signed_product.data(), signed_product.size());
  // libmimetic's Base64::Encoder copy leaves a look-ahead buffer uninitialised until used: g++ 12
  // warns inside mimetic/codec/base64.h (harmless; the buffer is written before it is read).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
  xml->body().code(mimetic::Base64::Encoder());
#pragma GCC diagnostic pop

  root.body().parts().push_back(text.release());  // the parent entity deletes its parts
  root.body().parts().push_back(xml.release());
  std::ostringstream os;
  os << root;
  return toCrlf(os.str());
}

Result<std::string> buildMail(const MailFields& f, std::string_view signed_product,
                              const SignFn& sign) {
  auto inner = buildInnerEntity(f, signed_product);
  if (!inner) return unexpected(inner.error());
  auto signed_entity = sign(*inner);
  if (!signed_entity) return unexpected(signed_entity.error());
  std::string mail;
  mail.reserve(signed_entity->size() + 512);
  mail += "From: " + f.from + "\r\n";
  mail += "To: " + f.to + "\r\n";
  mail += "Subject: " + encodeSubject(f.case_id, f.process_step) + "\r\n";
  mail += "Date: " + rfc5322Date(f.now_ms) + "\r\n";
  mail += "Message-ID: <" + f.delivery_id + "@" + f.message_id_domain + ">\r\n";
  mail += "Auto-Submitted: auto-generated\r\n";  // RFC 3834: no auto-replies to the hub
  mail += *signed_entity;  // starts with MIME-Version and the multipart/signed Content-Type
  return mail;
}

}  // namespace hub::securemail
