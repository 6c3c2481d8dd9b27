// The parsers of the hub's own commands: run, config check, route test, verify, audit. Only
// parsing: each command's logic is in its cmd_*.cc.
#include "hub/app/cli_layout.h"
#include "hub/app/commands.h"

namespace hub::app {
namespace {

void addConfigOption(CLI::App* sub, std::string& into) {
  sub->add_option("--config", into, "the hub's configuration file")
      ->type_name("hub.yaml")
      ->required();
}

void addRun(CLI::App& app, ChosenCommand& chosen) {
  CLI::App* sub =
      addCommand(app, "run", "run the hub until SIGTERM; SIGHUP reloads the configuration");
  auto opts = std::make_shared<RunOptions>();
  addConfigOption(sub, opts->config_file);
  sub->add_option("--log-level", opts->log_level,
                  "the lowest level logged, over log.level in hub.yaml")
      ->type_name("LEVEL")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
  addFooter(sub,
            "The hub: intake, store, deliveries with retries and fallbacks, the admin API.\n"
            "SIGTERM or SIGINT stop it gracefully; SIGHUP reloads the configuration atomically\n"
            "(a configuration with errors is refused and the running one stays).");
  chooseOnParse(sub, chosen, Runtimes::kAll, opts, runMain);
}

void addConfigCheck(CLI::App& app, ChosenCommand& chosen) {
  CLI::App* config = addCommand(app, "config", "the configuration: check");
  config->require_subcommand(1);
  CLI::App* sub = addCommand(*config, "check",
                             "load everything `run` loads and start nothing; report every error");
  auto file = std::make_shared<std::string>();
  addConfigOption(sub, *file);
  addFooter(sub,
            "Every error names file, line, column and key, and all are reported at once;\n"
            "warnings (certificates that expire soon, ...) do not fail the check.");
  chooseOnParse(sub, chosen, Runtimes::kAll, file, configCheckMain);
}

void addRouteTest(CLI::App& app, ChosenCommand& chosen) {
  CLI::App* route = addCommand(app, "route", "the routes: test");
  route->require_subcommand(1);
  CLI::App* sub = addCommand(*route, "test", "the dry run of one event; nothing is stored or sent");
  auto o = std::make_shared<RouteTestOptions>();
  addConfigOption(sub, o->config_file);
  sub->add_option("EVENT.json", o->event_file, "the event's body")->required();
  sub->add_option("--event-type", o->event_type, "the event type (default: the file name)")
      ->type_name("T");
  sub->add_option("--partner", o->partner, "only the deliveries to partner P")->type_name("P");
  sub->add_option("--out", o->out_dir,
                  "write the products and wire messages to DIR/<partner>/\n"
                  "(default: print them)")
      ->type_name("DIR");
  sub->add_option("--message-id", o->message_id, "default: route-test:<event type>")
      ->type_name("ID");
  sub->add_option("--case-id", o->case_id, "default: the event's zaaknummer")->type_name("Z");
  sub->add_option("--actor", o->actor, "default: route-test")->type_name("A");
  sub->add_option("--content-type", o->content_type, "default: application/json")
      ->type_name("TYPE");
  sub->add_option("--sent-at", o->sent_at, "the products' send time, RFC 3339 (default: now)")
      ->type_name("TIME");
  addFooter(sub,
            "Runs the intake decision and the product pipeline of `run` (mapping, schema\n"
            "validation, signature) and prints the signed product and every channel's exact wire\n"
            "message; exit 1 when the event would be quarantined or a product fails.");
  chooseOnParse(sub, chosen, Runtimes::kAll, o, routeTestMain);
}

struct VerifyArgs {
  std::string file, ca_file;
};

void addVerify(CLI::App& app, ChosenCommand& chosen) {
  CLI::App* sub = addCommand(app, "verify", "verify a signed product the way a partner would");
  auto o = std::make_shared<VerifyArgs>();
  sub->add_option("FILE", o->file, "the signed XML product")->required();
  sub->add_option("--ca", o->ca_file, "the trust anchor the partner uses")
      ->type_name("CA.pem")
      ->required();
  addFooter(sub,
            "Checks the enveloped XML signature and the signer's certificate against CA.pem and\n"
            "prints the signer's OIN; exit 1 when the signature is invalid.");
  chooseOnParse(sub, chosen, Runtimes::kAll, o,
                [](const VerifyArgs& a) { return verifyMain(a.file, a.ca_file); });
}

// --config or --dir, exactly one.
void addTrailLocation(CLI::App* sub, AuditOptions& o) {
  CLI::Option* config =
      sub->add_option("--config", o.config_file, "the trail is the configuration's audit.dir")
          ->type_name("hub.yaml");
  sub->add_option("--dir", o.dir, "the trail's directory (instead of --config)")
      ->type_name("DIR")
      ->excludes(config);
  addFooter(sub, "One of --config and --dir is required.");
}

// Checked when the command's options are parsed: a usage error like any other.
void requireTrailLocation(const AuditOptions& o) {
  if (o.config_file.empty() && o.dir.empty())
    throw CLI::RequiredError("--config hub.yaml or --dir DIR");
}

}  // namespace

void addHubCommands(CLI::App& app, ChosenCommand& chosen) {
  addRun(app, chosen);
  addConfigCheck(app, chosen);
  addRouteTest(app, chosen);
  addVerify(app, chosen);
}

void addAuditCommands(CLI::App& app, ChosenCommand& chosen) {
  CLI::App* audit =
      addCommand(app, "audit", "the audit trail, read from its day files: verify, export");
  audit->require_subcommand(1);
  CLI::App* verify = addCommand(*audit, "verify",
                                "check the hash chain of every record; name the first broken "
                                "link");
  auto v = std::make_shared<AuditOptions>();
  addTrailLocation(verify, *v);
  verify->add_flag("--json", v->json, "the report as JSON on stdout");
  verify->parse_complete_callback([v] { requireTrailLocation(*v); });
  chooseOnParse(verify, chosen, Runtimes::kAll, v, auditVerifyMain);

  CLI::App* exp = addCommand(*audit, "export", "one case's trail as JSON, with its chain check");
  auto e = std::make_shared<AuditOptions>();
  addTrailLocation(exp, *e);
  exp->add_option("--case", e->case_id, "the case (zaaknummer)")->type_name("Z")->required();
  exp->add_option("--out", e->out_file, "write to FILE (default: stdout)")->type_name("FILE");
  exp->parse_complete_callback([e] { requireTrailLocation(*e); });
  chooseOnParse(exp, chosen, Runtimes::kAll, e, auditExportMain);
}

}  // namespace hub::app
