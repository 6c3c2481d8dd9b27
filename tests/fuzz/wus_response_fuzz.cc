// Fuzz target: the digikoppeling-wus response classifier, classifyWusResponse (and
// mentionsCode0051) through adapters/digikoppeling_wus/wus_response.h, on a partner's HTTP
// response: status, Retry-After, Date and body all come from the input.
// Input: one header line "status TAB retry-after TAB date" (a missing field is an absent header;
// status is a decimal number, clamped to 0..999), then the response body.
// Checks beyond ASan/UBSan:
//  - delivered only for HTTP 2xx, with a receipt no larger than curl::kMaxReceiptBytes;
//  - the outcome carries the HTTP status; a reason that is one line and bounded (the classifier
//    bounds every partner-supplied text it quotes); Retry-After within 0..1e9 seconds.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "adapters/digikoppeling_wus/wus_response.h"
#include "tests/fuzz/fuzz_support.h"

using namespace hub;

namespace {

constexpr const char* kMessageId = "urn:uuid:19a47920-8815-5ffa-a8cc-a16b2b6535c3";
constexpr const char* kResponseAction = "urn:ketenhub:om:kennisgeving-crisismaatregel:1Response";
// Longest reason: fixed text, our MessageID and action, and at most two bounded quotes.
constexpr size_t kMaxReasonBytes = 1024;

std::string_view nextField(std::string_view& header, bool& present) {
  present = !header.empty();
  const size_t tab = header.find('\t');
  std::string_view out = header.substr(0, tab);
  header = tab == std::string_view::npos ? std::string_view{} : header.substr(tab + 1);
  return out;
}

int statusOf(std::string_view text) {
  int status = 0;
  for (char c : text.substr(0, 4)) {
    if (c < '0' || c > '9') break;
    status = status * 10 + (c - '0');
  }
  return status > 999 ? 999 : status;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::initXmlRuntime();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  const size_t nl = in.find('\n');
  std::string_view header = in.substr(0, nl);
  curl::HttpResult r;
  bool present = false;
  r.http_status = statusOf(nextField(header, present));
  std::string_view retry_after = nextField(header, present);
  if (present) r.retry_after = std::string(retry_after);
  std::string_view date = nextField(header, present);
  if (present) r.date = std::string(date);
  r.received_at_ms = 1767225600000;  // 2026-01-01T00:00:00Z
  r.body = nl == std::string_view::npos ? std::string() : std::string(in.substr(nl + 1));

  (void)adapters::wus::mentionsCode0051(r.body);
  const Outcome o = adapters::wus::classifyWusResponse(r, {kMessageId, kResponseAction});
  if (o.kind == OutcomeKind::kDelivered) {
    fuzz::check(r.http_status >= 200 && r.http_status <= 299, "delivered only on HTTP 2xx");
    fuzz::check(o.receipt.size() <= curl::kMaxReceiptBytes, "the receipt is bounded");
  }
  fuzz::check(o.http_status == r.http_status, "the outcome carries the HTTP status", o.reason);
  fuzz::check(!o.reason.empty(), "the outcome has a reason");
  fuzz::check(!fuzz::hasControl(o.reason), "the reason is one line", o.reason);
  fuzz::check(o.reason.size() <= kMaxReasonBytes, "the reason is bounded", o.reason);
  if (o.retry_after_seconds)
    fuzz::check(*o.retry_after_seconds >= 0 && *o.retry_after_seconds <= 1000000000L,
                "Retry-After within 0..1e9 s", o.reason);
  return 0;
}
