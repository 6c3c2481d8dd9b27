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

std::string clean(const std::string& in) {
  std::string out;
  out.reserve(std::min(in.size(), kMaxField));
  size_t i = 0;
  while (i < in.size() && out.size() < kMaxField) {
    auto c = static_cast<unsigned char>(in[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool ok = n > 0 && i + n <= in.size();
    for (size_t k = 1; ok && k < n; ++k)
      ok = (static_cast<unsigned char>(in[i + k]) & 0xC0) == 0x80;
    if (ok && n > 1) {  // no overlong forms, surrogates or code points past U+10FFFF
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
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  if (i < in.size()) out += "...";
  return out;
}

}  // namespace

Sealed seal(const AuditRecord& r, const Origin& o, int64_t seq, const std::string& prev) {
  // Every key always present, in one order: consumers get one shape.
  bj::object obj{{"seq", seq},
                 {"time", formatRfc3339Utc(r.at_ms)},
                 {"instance", clean(o.instance)},
                 {"oin", clean(o.oin)},
                 {"action", clean(r.action)},
                 {"outcome", clean(r.outcome)},
                 {"message_id", clean(r.message_id)},
                 {"case_id", clean(r.case_id)},
                 {"user", clean(r.user)},
                 {"access_point", clean(r.access_point)},
                 {"partner", clean(r.partner)},
                 {"channel", clean(r.channel)},
                 {"product", clean(r.product)},
                 {"delivery_id", clean(r.delivery_id)},
                 {"person", clean(r.person)},
                 {"reason", clean(r.reason)},
                 {"detail", clean(r.detail)},
                 {"prev", prev}};
  std::string body = bj::serialize(obj);
  body.pop_back();  // the closing '}': the hash follows inside the object
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
