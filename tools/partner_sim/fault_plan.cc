#include "tools/partner_sim/fault_plan.h"

namespace hub::sim {
namespace {

FaultDecision answer(int status) { return {status, status == 503 || status == 429}; }

}  // namespace

FaultDecision decideFault(const FaultOptions& options, uint64_t request_index, double random01) {
  if (options.status != 0) return answer(options.status);
  if (options.fail_first > 0 && request_index < static_cast<uint64_t>(options.fail_first)) {
    return answer(503);
  }
  if (options.fail_rate > 0 && random01 < options.fail_rate) return answer(503);
  return {};
}

}  // namespace hub::sim
