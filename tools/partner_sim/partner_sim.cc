#include "tools/partner_sim/partner_sim.h"

#include "hub/core/error_codes.h"
#include "hub/log/log.h"

namespace hub::sim {
namespace {

SimResponse textResponse(int status, std::string body) {
  SimResponse r;
  r.status = status;
  r.body = std::move(body);
  r.body += '\n';
  return r;
}

SimResponse rejected(const std::string& reason, const std::string& delivery_id) {
  // The reply carries the whole reason; the log only its redacted form (no document values).
  hub::log::warn("delivery rejected",
                 {{"status", 400}, {"delivery_id", delivery_id}, {"reason", redactQuoted(reason)}});
  return textResponse(400, reason);
}

}  // namespace

std::string_view statusText(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 413:
      return "Payload Too Large";
    case 425:
      return "Too Early";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return status < 300 ? "OK" : status < 500 ? "Client Error" : "Server Error";
  }
}

PartnerSim::PartnerSim(std::string partner, FaultOptions faults, PartnerSimDeps deps,
                       SimProtocol protocol, WusSimActions wus_actions)
    : partner_(std::move(partner)),
      faults_(faults),
      deps_(std::move(deps)),
      protocol_(protocol),
      wus_actions_(std::move(wus_actions)) {}

SimResponse PartnerSim::handle(const SimRequest& request, const PeerInfo& peer) {
  switch (classifyRoute(request.method, request.target)) {
    case RouteKind::kHealth:
      return textResponse(200, "ok");
    case RouteKind::kStats: {
      SimResponse r;
      r.status = 200;
      r.content_type = "application/json";
      r.body = statsJson() + "\n";
      return r;
    }
    case RouteKind::kNotFound:
      return textResponse(404, "not found");
    case RouteKind::kMethodNotAllowed: {
      SimResponse r = textResponse(405, "method not allowed");
      bool get_only =
          request.target.rfind("/healthz", 0) == 0 || request.target.rfind("/stats", 0) == 0;
      r.headers.emplace_back("Allow", get_only ? "GET" : "POST");
      return r;
    }
    case RouteKind::kDeliver:
      break;
  }
  return handleCounted(request, peer);
}

std::string PartnerSim::statsJson() const {
  return "{\"requests\":" + std::to_string(delivery_requests_.load()) +
         ",\"in_flight\":" + std::to_string(in_flight_.load()) +
         ",\"peak_concurrent\":" + std::to_string(peak_concurrent_.load()) + "}";
}

// One delivery request, counted while it is handled (faults and --delay-ms included).
SimResponse PartnerSim::handleCounted(const SimRequest& request, const PeerInfo& peer) {
  int64_t now = in_flight_.fetch_add(1) + 1;
  int64_t peak = peak_concurrent_.load();
  while (now > peak && !peak_concurrent_.compare_exchange_weak(peak, now)) {
  }
  struct Leave {
    std::atomic<int64_t>& n;
    ~Leave() { n.fetch_sub(1); }
  } leave{in_flight_};
  uint64_t index = delivery_requests_.fetch_add(1);
  if (!faults_.fail_case.empty()) {
    // Per-case faults (ordering tests): only requests for that zaaknummer count.
    bool match = false;
    for (const auto& [name, value] : request.headers)
      match |= name == "x-case-id" && value == faults_.fail_case;
    index = match ? case_requests_.fetch_add(1) : UINT64_MAX;
  }
  double dice = faults_.fail_rate > 0 && deps_.random01 ? deps_.random01() : 1.0;
  FaultDecision fault = decideFault(faults_, index, dice);
  if (faults_.delay_ms > 0 && deps_.sleep) {
    deps_.sleep(std::chrono::milliseconds(faults_.delay_ms));
  }
  if (fault.status != 0) {
    SimResponse r =
        textResponse(fault.status, "injected fault: " + std::string(statusText(fault.status)));
    if (fault.retry_after) r.headers.emplace_back("Retry-After", "1");
    hub::log::info("fault injected", {{"status", fault.status}, {"request", index + 1}});
    return r;
  }
  if (protocol_ == SimProtocol::kWus) return handleWus(request, peer);
  return handleDelivery(request, peer);
}

SimResponse PartnerSim::handleDelivery(const SimRequest& request, const PeerInfo& peer) {
  bool need_product = deps_.checker != nullptr && deps_.checker->needsProduct();
  auto headers = checkRestXmlHeaders(request, need_product);
  if (!headers) return rejected(headers.error().message, "");
  CheckedBody checked;
  if (deps_.checker != nullptr) {
    auto c = deps_.checker->check(request.body, *headers);
    if (!c && c.error().code == errc::kConfig) {
      // Our own set-up is broken (e.g. an XSD that does not compile): not the sender's fault.
      hub::log::error("cannot check delivery", {{"delivery_id", headers->message_id},
                                                {"reason", redactQuoted(c.error().message)}});
      return textResponse(500, c.error().message);
    }
    if (!c) return rejected(c.error().message, headers->message_id);
    checked = std::move(*c);
  }
  ReceivedRecord record;
  record.delivery_id = headers->message_id;
  record.product = headers->product;
  record.case_id = headers->case_id;
  record.event_type = headers->event_type;
  record.verified = checked.verified;
  record.signer_oin = checked.signer_oin;
  record.client_oin = peer.oin;
  if (auto k = keepAccepted(record, request.body, "rest-xml", request.body.size()); !k)
    return textResponse(500, k.error().message);
  SimResponse r;
  r.status = 200;
  r.content_type = "application/xml; charset=utf-8";
  r.body = receiptXml(record, partner_);
  return r;
}

Result<void> PartnerSim::keepAccepted(ReceivedRecord& record, std::string_view document,
                                      std::string_view adapter, size_t bytes) {
  record.time = isoTimeUtc(deps_.now ? deps_.now() : std::chrono::system_clock::now());
  if (deps_.sink != nullptr) {
    if (auto s = deps_.sink->store(record, document); !s) {
      hub::log::error("cannot store delivery",
                      {{"delivery_id", record.delivery_id}, {"reason", s.error().message}});
      return unexpected(s.error().code, "store: " + s.error().message);
    }
  }
  hub::log::info("delivery accepted", {{"delivery_id", record.delivery_id},
                                       {"product", record.product},
                                       {"adapter", adapter},
                                       {"verified", record.verified ? "true" : "false"},
                                       {"signer_oin", record.signer_oin},
                                       {"client_oin", record.client_oin},
                                       {"bytes", bytes}});
  return {};
}

}  // namespace hub::sim
