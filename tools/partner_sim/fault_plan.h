#pragma once
// Fault injection of the partner-sim, decided before any check (pure; the caller owns the request
// counter and the random source).
#include <cstdint>
#include <string>

namespace hub::sim {

enum class SoapFault { kNone, kClient, kServer };

struct FaultOptions {
  int status = 0;         // --status CODE: answer CODE to every request (0 = off)
  int fail_first = 0;     // --fail-first N: 503 to the first N requests
  std::string fail_case;  // --fail-case Z: --fail-first counts only requests for zaaknummer Z
  double fail_rate = 0;   // --fail-rate R: 503 with probability R (0..1)
  int delay_ms = 0;       // --delay-ms N: sleep before answering (applied by the caller)
  // digikoppeling-wus only (applied by the WUS handler after the HTTP faults above):
  SoapFault soap_fault = SoapFault::kNone;  // --soap-fault client|server: a SOAP Fault (HTTP 500)
  bool bad_relates_to = false;              // --bad-relates-to: answer with a wrong RelatesTo
  bool bad_action = false;                  // --bad-action: answer with a wrong wsa:Action
};

struct FaultDecision {
  int status = 0;            // 0: no fault, go on with the checks
  bool retry_after = false;  // add "Retry-After: 1" (503 and 429)
};

// request_index: 0 for the first delivery request since start. random01: uniform in [0, 1).
// Precedence: --status, then --fail-first, then --fail-rate.
FaultDecision decideFault(const FaultOptions& options, uint64_t request_index, double random01);

}  // namespace hub::sim
