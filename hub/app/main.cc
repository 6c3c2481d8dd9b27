// ketenhub: one binary, subcommands (SPEC §8). Library runtimes are initialised once here, in
// order (libxml2 + libxslt security prefs, xmlsec, curl), and torn down in reverse.
#include <iostream>
#include <string>

#include "hub/app/args.h"
#include "hub/app/commands.h"
#include "hub/curl/curl_global.h"
#include "hub/dsig/dsig_runtime.h"
#include "hub/xml/xml_runtime.h"

namespace {

const char* kUsage =
    "usage: ketenhub COMMAND [options]\n"
    "  run --config hub.yaml\n"
    "  config check --config hub.yaml\n"
    "  route test --config hub.yaml EVENT.json [--event-type T] [--partner P] [--out DIR]\n"
    "  verify FILE [--ca CA.pem]\n"
    "  send EVENT.json --url amqp://HOST:PORT --address ADDR --event-type T --case-id Z "
    "--actor A\n"
    "  partner-sim --listen 127.0.0.1:PORT --cert C --key K --ca CA [options]\n"
    "  status [--admin URL] [--token-file F]\n"
    "  dlq list [filters] | show ID | replay ID | replay --all [filters] [--rate N]\n"
    "  quarantine list [filters] | show ID | replay ID\n"
    "  audit verify [--json] | audit export --case Z [--out FILE]  (--config hub.yaml or --dir D)\n"
    "  (status, dlq, quarantine: token from KETENHUB_TOKEN or --token-file; --help for more)\n";

}  // namespace

int main(int argc, char** argv) {
  using namespace hub::app;
  if (argc < 2) {
    std::cerr << kUsage;
    return 2;
  }
  std::string cmd = argv[1];
  Args rest(argv + 2, argv + argc);
  if (cmd == "--help" || cmd == "help" || cmd == "-h") {
    std::cout << kUsage;
    return 0;
  }
  if ((cmd == "config" || cmd == "route") && !rest.empty()) {
    cmd += " " + rest.front();
    rest.erase(rest.begin());
  }
  // Commands that never touch XML or TLS run without the runtimes.
  if (cmd == "send") return sendMain(rest);
  if (cmd == "status" || cmd == "dlq" || cmd == "quarantine") {
    hub::curl::CurlGlobal curl_global;
    if (cmd == "status") return statusMain(rest);
    return cmd == "dlq" ? dlqMain(rest) : quarantineMain(rest);
  }

  hub::xml::XmlRuntime xml_runtime;
  hub::dsig::DsigRuntime dsig_runtime;
  hub::curl::CurlGlobal curl_global;
  if (cmd == "run") return runMain(rest);
  if (cmd == "config check") return configCheckMain(rest);
  if (cmd == "route test") return routeTestMain(rest);
  if (cmd == "verify") return verifyMain(rest);
  if (cmd == "audit") return auditMain(rest);
  if (cmd == "partner-sim") return partnerSimMain(rest);
  std::cerr << "ketenhub: unknown command '" << cmd << "'\n" << kUsage;
  return 2;
}
