#pragma once
// Options of `ketenhub partner-sim` and their validation (pure: values in, options or a one-line
// usage error out).
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "hub/core/result.h"
#include "tools/partner_sim/fault_plan.h"
#include "tools/partner_sim/wus_check.h"

namespace hub::sim {

struct SimOptions {
  std::string host;  // from --listen HOST:PORT
  uint16_t port = 0;
  std::string cert_path;             // --cert: the partner's TLS server certificate
  std::string key_path;              // --key
  std::string ca_path;               // --ca: CAs trusted for client certificates
  std::string partner;               // --partner CODE (needed with --schemas)
  std::string adapter = "rest-xml";  // or "digikoppeling-wus"
  std::string verify_ca_path;        // --verify-ca; defaults to --ca unless --no-verify-signature
  bool verify_signature = true;
  std::string schemas_dir;  // --schemas DIR: DIR/<partner>/<X-Product>.xsd
  std::string out_dir;      // --out DIR
  FaultOptions faults;
  WusSimActions wus_actions;  // --actions, --response-actions (digikoppeling-wus)
  std::string tls_profile = "ncsc-sufficient";
  std::string port_file;
};

// "127.0.0.1:8443", "[::1]:0".
Result<std::pair<std::string, uint16_t>> parseListen(std::string_view value);

// values: flag (with "--") -> value for every given value flag; no_verify_signature,
// bad_relates_to and bad_action: the switches. Error messages are one line, for a usage error
// (exit 2). Adapters: rest-xml (default) and digikoppeling-wus; --soap-fault client|server,
// --bad-relates-to, --bad-action, --actions and --response-actions need digikoppeling-wus.
// --actions / --response-actions: "PRODUCT=URI[,PRODUCT=URI...]" (a URI holds no ',' or space).
Result<SimOptions> buildSimOptions(const std::map<std::string, std::string>& values,
                                   bool no_verify_signature, bool bad_relates_to = false,
                                   bool bad_action = false);

// "a=urn:x:1,b=urn:y:1" -> {a: urn:x:1, b: urn:y:1}; flag names the option in errors.
Result<std::map<std::string, std::string>> parseActionList(const std::string& flag,
                                                           std::string_view value);

}  // namespace hub::sim
