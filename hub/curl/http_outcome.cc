#include "hub/curl/http_outcome.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace hub::curl {
namespace {

constexpr long kMaxRetryAfterSeconds = 1000000000L;
constexpr size_t kMaxDetailChars = 200;

// A tiny cursor over an HTTP-date; every reader returns false on a mismatch.
class DateCursor {
 public:
  explicit DateCursor(std::string_view s) : s_(s) {}
  bool done() const { return pos_ == s_.size(); }
  bool literal(std::string_view lit) {
    if (s_.substr(pos_, lit.size()) != lit) return false;
    pos_ += lit.size();
    return true;
  }
  bool letters(size_t min, size_t max) {  // a day name; its value is not checked
    size_t n = 0;
    while (pos_ + n < s_.size() && std::isalpha(static_cast<unsigned char>(s_[pos_ + n]))) ++n;
    if (n < min || n > max) return false;
    pos_ += n;
    return true;
  }
  bool digits(size_t count, int& out) {
    if (pos_ + count > s_.size()) return false;
    int v = 0;
    for (size_t i = 0; i < count; ++i) {
      char c = s_[pos_ + i];
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    pos_ += count;
    out = v;
    return true;
  }
  bool month(int& out) {
    static constexpr std::array<std::string_view, 12> kMonths = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (size_t i = 0; i < kMonths.size(); ++i) {
      if (literal(kMonths[i])) {
        out = static_cast<int>(i) + 1;
        return true;
      }
    }
    return false;
  }
  bool time(int& h, int& m, int& s) {
    return digits(2, h) && literal(":") && digits(2, m) && literal(":") && digits(2, s);
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t daysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool validDate(int y, int mon, int d, int h, int mi, int s) {
  static constexpr std::array<int, 12> kDays = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (mon < 1 || mon > 12 || d < 1 || d > kDays[mon - 1]) return false;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (mon == 2 && d == 29 && !leap) return false;
  return h <= 23 && mi <= 59 && s <= 60;  // 60: a leap second
}

std::string boundedDetail(std::string_view detail) {
  std::string out(detail.substr(0, kMaxDetailChars));
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r' || out.back() == ' ')) {
    out.pop_back();
  }
  return out;
}

// Truncates to at most kMaxReceiptBytes without cutting a UTF-8 sequence in two.
std::string boundedReceipt(const std::string& body) {
  if (body.size() <= kMaxReceiptBytes) return body;
  size_t n = kMaxReceiptBytes;
  while (n > 0 && (static_cast<unsigned char>(body[n]) & 0xC0) == 0x80) --n;
  return body.substr(0, n);
}

bool isTransientStatus(int status) {
  return status == 408 || status == 425 || status == 429 || (status >= 500 && status <= 599);
}

}  // namespace

std::optional<int64_t> parseHttpDate(std::string_view value) {
  int y = 0, mon = 0, d = 0, h = 0, mi = 0, s = 0;
  bool ok = false;
  {  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
    DateCursor c(value);
    ok = c.letters(3, 3) && c.literal(", ") && c.digits(2, d) && c.literal(" ") && c.month(mon) &&
         c.literal(" ") && c.digits(4, y) && c.literal(" ") && c.time(h, mi, s) &&
         c.literal(" GMT") && c.done();
  }
  if (!ok) {  // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"
    DateCursor c(value);
    ok = c.letters(6, 9) && c.literal(", ") && c.digits(2, d) && c.literal("-") && c.month(mon) &&
         c.literal("-") && c.digits(2, y) && c.literal(" ") && c.time(h, mi, s) &&
         c.literal(" GMT") && c.done();
    y += y < 70 ? 2000 : 1900;
  }
  if (!ok) {  // asctime: "Sun Nov  6 08:49:37 1994"
    DateCursor c(value);
    ok = c.letters(3, 3) && c.literal(" ") && c.month(mon) && c.literal(" ") &&
         (c.literal(" ") ? c.digits(1, d) : c.digits(2, d)) && c.literal(" ") && c.time(h, mi, s) &&
         c.literal(" ") && c.digits(4, y) && c.done();
  }
  if (!ok || !validDate(y, mon, d, h, mi, s)) return std::nullopt;
  return daysFromCivil(y, mon, d) * 86400 + h * 3600 + mi * 60 + s;
}

std::optional<long> parseRetryAfter(std::string_view value, int64_t reference_ms) {
  auto isSpace = [](char c) { return c == ' ' || c == '\t'; };
  while (!value.empty() && isSpace(value.front())) value.remove_prefix(1);
  while (!value.empty() && isSpace(value.back())) value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    long seconds = 0;
    for (char c : value) {
      seconds = seconds * 10 + (c - '0');
      if (seconds >= kMaxRetryAfterSeconds) return kMaxRetryAfterSeconds;
    }
    return seconds;
  }
  auto at = parseHttpDate(value);
  if (!at) return std::nullopt;
  // Round the remaining time up to whole seconds: never retry before the partner asked.
  const int64_t delta_ms = *at * 1000 - reference_ms;
  if (delta_ms <= 0) return 0L;
  return static_cast<long>(std::min<int64_t>((delta_ms + 999) / 1000, kMaxRetryAfterSeconds));
}

std::string transportReason(TransportError error, std::string_view detail) {
  std::string base;
  switch (error) {
    case TransportError::kDns:
      base = "dns: could not resolve host";
      break;
    case TransportError::kConnectRefused:
      base = "connect: refused";
      break;
    case TransportError::kConnect:
      base = "connect: failed";
      break;
    case TransportError::kTimeout:
      base = "timeout";
      break;
    case TransportError::kTlsVerify:
      base = "tls: certificate verify failed";
      break;
    case TransportError::kTlsPin:
      base = "tls: SPKI pin mismatch";
      break;
    case TransportError::kTlsPeerIdentity:
      // The detail is the whole story: "server certificate OIN X, expected Y".
      return detail.empty() ? "tls: server certificate identity mismatch"
                            : "tls: " + boundedDetail(detail);
    case TransportError::kTlsRevoked:
      return "tls: certificate revoked";  // a precise reason code: no detail appended
    case TransportError::kTlsCrl:
      base = "tls: CRL unavailable";
      break;
    case TransportError::kTlsHandshake:
      base = "tls: handshake failed";
      break;
    case TransportError::kSend:
      base = "send: failed";
      break;
    case TransportError::kReceive:
      base = "receive: failed";
      break;
    case TransportError::kNone:
    case TransportError::kOther:
      base = "transport: failed";
      break;
  }
  std::string d = boundedDetail(detail);
  return d.empty() ? base : base + " (" + d + ")";
}

Outcome classifyHttp(const HttpResult& r) {
  if (r.curl_code != 0 || r.transport != TransportError::kNone || r.http_status == 0) {
    TransportError kind = r.transport;
    if (kind == TransportError::kNone) {
      kind = r.tls_error ? TransportError::kTlsHandshake : TransportError::kOther;
    }
    std::string detail = r.curl_error;
    if (detail.empty() && r.curl_code != 0) detail = "curl error " + std::to_string(r.curl_code);
    if (detail.empty()) detail = "no HTTP response";
    return Outcome::retryable(transportReason(kind, detail));
  }
  const int status = r.http_status;
  const std::string code = "HTTP " + std::to_string(status);
  if (status < 100 || status > 599) return Outcome::retryable(code + ": invalid status", status);
  if (status >= 200 && status <= 299) return Outcome::delivered(status, boundedReceipt(r.body));
  if (status <= 199) return Outcome::permanent(code + ": unexpected informational status", status);
  if (status <= 399) return Outcome::permanent(code + ": redirect not followed", status);
  if (!isTransientStatus(status)) return Outcome::permanent(code, status);
  Outcome out = Outcome::retryable(code, status);
  if (r.retry_after) {
    int64_t reference = r.received_at_ms;
    if (r.date) {
      // The partner's own clock: immune to skew between its clock and ours.
      if (auto server_now = parseHttpDate(*r.date)) reference = *server_now * 1000;
    }
    out.retry_after_seconds = parseRetryAfter(*r.retry_after, reference);
  }
  return out;
}

}  // namespace hub::curl
