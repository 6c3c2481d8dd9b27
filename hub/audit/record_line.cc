#include "hub/audit/record_line.h"

#include <algorithm>

#include "hub/core/error_codes.h"
#include "hub/core/time_format.h"
#include "hub/tls/digest.h"

namespace hub::audit {
namespace {
namespace bj = boost::json;
constexpr std::string_view kHashKey = ",\"hash\":\"";

using tls::sha256Hex;

bool isHex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}
// Fields are bounded (a record stays far below what readTail() reads back) and valid UTF-8
// (a JSON reader refuses anything else): a byte that is not part of a valid sequence becomes
// U+FFFD.
constexpr size_t kMaxField = 4096;

// Appends `in` as a JSON string: cut to kMaxField bytes ("..." after), invalid UTF-8 replaced,
// escaped the way Boost.JSON's serializer escapes (\" \\ \b \f \n \r \t, other control
// characters as \u00xx). Written here rather than through boost::json::object: building an
// object of 18 strings per record was ~3 % of a delivery's CPU (seven records per delivery); a
// unit test holds the output identical to Boost.JSON's.
void appendField(std::string& out, std::string_view key, const std::string& in, bool first) {
  static constexpr char kHex[] = "0123456789abcdef";
  if (!first) out += ',';
  out += '"';
  out.append(key);
  out += "\":\"";
  size_t i = 0, kept = 0;
  while (i < in.size() && kept < kMaxField) {
    auto c = static_cast<unsigned char>(in[i]);
    if (c < 0x80) {
      switch (c) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\b':
          out += "\\b";
          break;
        case '\f':
          out += "\\f";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        default:
          if (c < 0x20) {
            out += "\\u00";
            out += kHex[c >> 4];
            out += kHex[c & 0xF];
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      ++kept;
      continue;
    }
    size_t n = (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool ok = n > 0 && i + n <= in.size();
    for (size_t k = 1; ok && k < n; ++k)
      ok = (static_cast<unsigned char>(in[i + k]) & 0xC0) == 0x80;
    if (ok) {  // no overlong forms, surrogates or code points past U+10FFFF
      uint32_t cp = c & (0x7F >> n);
      for (size_t k = 1; k < n; ++k)
        cp = (cp << 6) | (static_cast<unsigned char>(in[i + k]) & 0x3F);
      ok = cp >= (n == 2   ? 0x80u
                  : n == 3 ? 0x800u
                           : 0x10000u) &&
           cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
    }
    if (ok) {
      out.append(in, i, n);
      i += n;
      kept += n;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
      kept += 3;
    }
  }
  if (i < in.size()) out += "...";
  out += '"';
}

}  // namespace

Sealed seal(const AuditRecord& r, const Origin& o, int64_t seq, const std::string& prev) {
  // Every key always present, in one order: consumers get one shape.
  std::string body;
  body.reserve(512);
  body.append("{\"seq\":").append(std::to_string(seq));
  appendField(body, "time", formatRfc3339Utc(r.at_ms), false);
  appendField(body, "instance", o.instance, false);
  appendField(body, "oin", o.oin, false);
  appendField(body, "action", r.action, false);
  appendField(body, "outcome", r.outcome, false);
  appendField(body, "message_id", r.message_id, false);
  appendField(body, "case_id", r.case_id, false);
  appendField(body, "user", r.user, false);
  appendField(body, "access_point", r.access_point, false);
  appendField(body, "partner", r.partner, false);
  appendField(body, "channel", r.channel, false);
  appendField(body, "product", r.product, false);
  appendField(body, "delivery_id", r.delivery_id, false);
  appendField(body, "person", r.person, false);
  appendField(body, "reason", r.reason, false);
  appendField(body, "detail", r.detail, false);
  appendField(body, "prev", prev, false);
  // The hash follows inside the object.
  Sealed s;
  s.hash = sha256Hex(body);
  s.line.reserve(body.size() + kHashKey.size() + 68);
  s.line.append(body).append(kHashKey).append(s.hash).append("\"}\n");
  return s;
}

Result<ParsedLine> parseLine(std::string_view line) {
  auto pos = line.rfind(kHashKey);
  if (pos == std::string_view::npos)
    return unexpected(errc::kInvalidInput, "not a sealed audit record (no hash)");
  boost::system::error_code ec;
  bj::value v = bj::parse(line, ec);
  if (ec || !v.is_object()) return unexpected(errc::kInvalidInput, "not a JSON object");
  ParsedLine p;
  p.fields = std::move(v.as_object());
  const auto* seq = p.fields.if_contains("seq");
  const auto* prev = p.fields.if_contains("prev");
  const auto* hash = p.fields.if_contains("hash");
  if (!seq || !seq->is_int64() || !prev || !prev->is_string() || !hash || !hash->is_string())
    return unexpected(errc::kInvalidInput, "seq, prev or hash missing");
  p.seq = seq->as_int64();
  p.prev = std::string(prev->as_string());
  p.hash = std::string(hash->as_string());
  if (!isHex64(p.prev) || !isHex64(p.hash))
    return unexpected(errc::kInvalidInput, "prev or hash is not a SHA-256 in hex");
  // The hash must be the line's last field, exactly as seal() writes it.
  if (line.substr(pos) != std::string(kHashKey) + p.hash + "\"}")
    return unexpected(errc::kInvalidInput, "the hash is not the record's last field");
  p.hash_ok = sha256Hex(line.substr(0, pos)) == p.hash;
  return p;
}

std::string personHash(std::string_view key, const std::vector<std::string>& bsns) {
  std::string out;
  for (const auto& b : bsns) {
    if (!out.empty()) out += ',';
    out += tls::hexEncode(tls::hmacSha256(key, b));
  }
  return out;
}

}  // namespace hub::audit
