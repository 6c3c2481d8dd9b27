// The parser of `ketenhub partner-sim` (the command: cmd_partner_sim.cc; the options'
// validation: tools/partner_sim/sim_options.h).
#include <map>
#include <memory>

#include "hub/app/cli_layout.h"
#include "tools/cli/commands.h"

namespace hub::app {
namespace {

constexpr const char* kFooter =
    "Checks the client certificate (mutual TLS), the headers, the XML signature and the schema,\n"
    "stores what it accepted and injects faults.\n"
    "Deliveries: POST to any path (e.g. /om/kennisgevingen); GET /healthz answers ok;\n"
    "GET /stats gives {\"requests\":N,\"in_flight\":N,\"peak_concurrent\":N} (deliveries).\n"
    "WUS fault codes: see tools/partner_sim/wus_check.h.\n"
    "Logs: JSON lines on stderr.";

struct SimArgs {
  std::map<std::string, std::string> values;  // flag -> value, for buildSimOptions
  bool no_verify_signature = false, bad_relates_to = false, bad_action = false, quiet = false;
  sim::SimOptions options;  // built when the parse completes
};

struct ValueOption {
  const char* flag;
  const char* type;
  const char* help;
  bool required;
};

// In the order of --help.
constexpr ValueOption kValueOptions[] = {
    {"--listen", "HOST:PORT", "port 0 picks a free port (printed, and written to --port-file)",
     true},
    {"--cert", "C", "the partner's TLS server certificate (PEM)", true},
    {"--key", "K", "its key (PEM)", true},
    {"--ca", "CA", "CAs trusted for client certificates (mutual TLS)", true},
    {"--partner", "CODE", "partner code (om, igj, ...), needed with --schemas", false},
    {"--adapter", "A", "rest-xml (default) or digikoppeling-wus (SOAP 1.1, profile 2W-be)", false},
    {"--verify-ca", "CA", "CAs trusted for XML signatures (default: --ca)", false},
    {"--schemas", "DIR",
     "validate against DIR/<partner>/<product>.xsd (the product is\n"
     "X-Product, or for WUS the product of a configured action\n"
     "(--actions) or the <product> of wsa:Action\n"
     "urn:ketenhub:<partner>:<product>:<version>)",
     false},
    {"--out", "DIR",
     "store DIR/<delivery id>.xml and DIR/received.jsonl (WUS: the\n"
     "soap:Body child; the id is wsa:MessageID without urn:uuid:)",
     false},
    {"--status", "CODE", "answer CODE to every delivery (Retry-After: 1 on 503/429)", false},
    {"--fail-first", "N", "answer 503 to the first N deliveries", false},
    {"--fail-case", "Z", "with --fail-first: count only deliveries for zaaknummer Z", false},
    {"--fail-rate", "R", "answer 503 with probability R (0..1)", false},
    {"--delay-ms", "N", "wait N ms before answering a delivery", false},
    {"--soap-fault", "K",
     "WUS: answer a SOAP fault (HTTP 500), K = client (DK0050) or\nserver (DK0051)", false},
    {"--actions", "P=URI,...",
     "WUS: the request action of product P (instead of the\n"
     "urn:ketenhub:<partner>:<product>:<version> rule)",
     false},
    {"--response-actions", "P=URI,...",
     "WUS: the response action of product P (default: the request\naction + \"Response\")", false},
    {"--tls-profile", "P",
     "ncsc-sufficient (default), ncsc-good; for negative tests only:\n"
     "legacy-cbc, tls11-only, tls12-only",
     false},
    {"--port-file", "F", "write the port to F once listening", false},
};

void buildOptions(SimArgs& a) {
  std::map<std::string, std::string> given;
  for (const auto& [flag, value] : a.values)
    if (!value.empty()) given[flag] = value;
  auto built = sim::buildSimOptions(given, a.no_verify_signature, a.bad_relates_to, a.bad_action);
  if (!built) throw CLI::ValidationError(built.error().message);
  a.options = std::move(*built);
}

}  // namespace

void addPartnerSimCommand(CLI::App& app, ChosenCommand& chosen) {
  CLI::App* sub =
      addCommand(app, "partner-sim", "a chain partner's HTTPS endpoint (demo, tests, benchmarks)");
  auto a = std::make_shared<SimArgs>();
  for (const ValueOption& v : kValueOptions) {
    CLI::Option* opt = sub->add_option(v.flag, a->values[v.flag], v.help)->type_name(v.type);
    if (v.required) opt->required();
  }
  sub->add_flag("--no-verify-signature", a->no_verify_signature,
                "accept unsigned or unverifiable documents");
  sub->add_flag("--bad-relates-to", a->bad_relates_to,
                "WUS: accept, but answer with a wsa:RelatesTo that does not match");
  sub->add_flag("--bad-action", a->bad_action,
                "WUS: accept, but answer with a wsa:Action nobody expects");
  sub->add_flag("--quiet", a->quiet, "log warnings and errors only (no line per delivery)");
  addFooter(sub, kFooter);
  sub->parse_complete_callback([a] { buildOptions(*a); });
  chooseOnParse(sub, chosen, Runtimes::kAll, a,
                [](const SimArgs& s) { return partnerSimMain(s.options, s.quiet); });
}

}  // namespace hub::app
