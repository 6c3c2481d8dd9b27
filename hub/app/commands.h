#pragma once
// One entry point per subcommand; main.cc dispatches. Each returns the process exit code
// (0 ok, 1 failure with a one-line reason on stderr, 2 usage error).
#include <string>
#include <vector>

namespace hub::app {

using Args = std::vector<std::string>;  // arguments after the subcommand name

int runMain(const Args& args);          // run --config hub.yaml
int configCheckMain(const Args& args);  // config check --config hub.yaml
int routeTestMain(const Args& args);    // route test --config hub.yaml EVENT.json ...
int verifyMain(const Args& args);       // verify FILE [--ca CA.pem]
int sendMain(const Args& args);         // send EVENT.json --url amqp://... (cmd_send.cc)
int partnerSimMain(const Args& args);   // partner-sim --listen ... (cmd_partner_sim.cc)
// Operator commands against a running hub's admin API (cmd_operator.cc).
int statusMain(const Args& args);      // status [--admin URL] [--token-file F]
int dlqMain(const Args& args);         // dlq list|show ID|replay ID|replay --all
int quarantineMain(const Args& args);  // quarantine list|show ID|replay ID
// The audit trail, read from its files (cmd_audit.cc).
int auditMain(const Args& args);  // audit verify | export --case Z [--config F | --dir D]

}  // namespace hub::app
