#pragma once
// The partner-sim's request logic: route, fault injection, header checks, body checks, store,
// answer. No sockets and no clocks of its own: the body checker, the sink, randomness, sleeping
// and time are injected (tests use fakes).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "hub/core/result.h"
#include "tools/partner_sim/fault_plan.h"
#include "tools/partner_sim/http_types.h"
#include "tools/partner_sim/records.h"
#include "tools/partner_sim/request_check.h"
#include "tools/partner_sim/wus_check.h"

namespace hub::sim {

struct CheckedBody {
  bool verified = false;
  std::string signer_oin;
};

// Parses, verifies and validates a delivered document. Error messages are one line and start
// with the failed check: "xml: ...", "signature: ...", "schema: ...". Thread-safe.
class BodyChecker {
 public:
  virtual ~BodyChecker() = default;
  virtual Result<CheckedBody> check(std::string_view body,
                                    const DeliveryHeaders& headers) const = 0;
  // Whether X-Product must be present (schemas are chosen by product).
  virtual bool needsProduct() const = 0;
};

// Keeps an accepted delivery (document + one received.jsonl line). Thread-safe.
class Sink {
 public:
  virtual ~Sink() = default;
  virtual Result<void> store(const ReceivedRecord& record, std::string_view body) = 0;
};

struct PartnerSimDeps {
  const BodyChecker* checker = nullptr;
  Sink* sink = nullptr;              // nullptr: nothing is stored (no --out)
  std::function<double()> random01;  // uniform [0, 1), thread-safe
  std::function<void(std::chrono::milliseconds)> sleep;
  std::function<std::chrono::system_clock::time_point()> now;
};

// The delivery protocol the simulator speaks: rest-xml (headers + the signed document) or
// digikoppeling-wus (a SOAP 1.1 envelope, profile 2W-be: tools/partner_sim/wus_check.h; answers are
// SOAP responses or SOAP faults).
enum class SimProtocol { kRestXml, kWus };

class PartnerSim {
 public:
  // wus_actions: the WUS contract (digikoppeling-wus only; see wus_check.h).
  PartnerSim(std::string partner, FaultOptions faults, PartnerSimDeps deps,
             SimProtocol protocol = SimProtocol::kRestXml, WusSimActions wus_actions = {});

  // Thread-safe; called once per HTTP request.
  SimResponse handle(const SimRequest& request, const PeerInfo& peer);

  uint64_t deliveryRequests() const { return delivery_requests_.load(); }
  // Delivery requests being handled now, and the most there ever were at once (a partner's
  // concurrency cap, checked from outside: GET /stats).
  int64_t inFlight() const { return in_flight_.load(); }
  int64_t peakConcurrent() const { return peak_concurrent_.load(); }
  // {"requests":N,"in_flight":N,"peak_concurrent":N}
  std::string statsJson() const;

 private:
  SimResponse handleDelivery(const SimRequest& request, const PeerInfo& peer);
  SimResponse handleCounted(const SimRequest& request, const PeerInfo& peer);
  // partner_sim_wus.cc
  SimResponse handleWus(const SimRequest& request, const PeerInfo& peer);
  // Timestamps, stores (when --out is set) and logs one accepted delivery, for both adapters.
  Result<void> keepAccepted(ReceivedRecord& record, std::string_view document,
                            std::string_view adapter, size_t bytes);
  std::string newMessageId() const;

  const std::string partner_;
  const FaultOptions faults_;
  const PartnerSimDeps deps_;
  const SimProtocol protocol_;
  const WusSimActions wus_actions_;
  std::atomic<uint64_t> delivery_requests_{0};
  std::atomic<uint64_t> case_requests_{0};  // requests for faults_.fail_case
  std::atomic<int64_t> in_flight_{0};
  std::atomic<int64_t> peak_concurrent_{0};
};

// "400 Bad Request"-style reason phrase for a status code.
std::string_view statusText(int status);

}  // namespace hub::sim
