// The parsers of the operator commands (status, dlq, quarantine): clients of a running hub's
// admin API. Only parsing: the commands are in cmd_operator.cc.
#include "hub/app/cli_layout.h"
#include "hub/app/commands.h"

namespace hub::app {
namespace {

constexpr const char* kAdminFooter =
    "The bearer token comes from $KETENHUB_TOKEN or --token-file, never from an argument.";

struct OperatorArgs {
  AdminOptions admin;
  Filters filters;
  std::string id;
  bool all = false;
  std::string rate = "5";
};

// One leaf command: the admin options, its footer, and fn(args) to run.
template <class Fn>
std::shared_ptr<OperatorArgs> addLeaf(CLI::App& parent, ChosenCommand& chosen,
                                      const std::string& name, const std::string& description,
                                      CLI::App** out, Fn fn) {
  CLI::App* sub = addCommand(parent, name, description);
  auto o = std::make_shared<OperatorArgs>();
  sub->add_option("--admin", o->admin.admin_url,
                  "the hub's admin API (default: $KETENHUB_ADMIN, else\n"
                  "http://127.0.0.1:8081); plain http only to a loopback\n"
                  "address, https with --ca")
      ->type_name("URL");
  sub->add_option("--token-file", o->admin.token_file,
                  "the bearer token: the first line of F (default:\n$KETENHUB_TOKEN)")
      ->type_name("F");
  sub->add_option("--ca", o->admin.ca_file, "trust anchors for an https admin URL")
      ->type_name("CA.pem");
  addFooter(sub, kAdminFooter);
  chooseOnParse(sub, chosen, Runtimes::kCurl, o, fn);
  *out = sub;
  return o;
}

void addFilter(CLI::App* sub, OperatorArgs& o, const std::string& flag, const std::string& key,
               const std::string& type, const std::string& what) {
  sub->add_option(flag, o.filters[key], what)->type_name(type);
}

void addDeliveryFilters(CLI::App* sub, OperatorArgs& o) {
  addFilter(sub, o, "--partner", "partner", "P", "only deliveries to partner P");
  addFilter(sub, o, "--product", "product", "X", "only product X");
  addFilter(sub, o, "--event-type", "event_type", "T", "only events of type T");
  addFilter(sub, o, "--case", "case", "Z", "only case (zaaknummer) Z");
}

void addPaging(CLI::App* sub, OperatorArgs& o) {
  addFilter(sub, o, "--limit", "limit", "N", "at most N rows");
  addFilter(sub, o, "--cursor", "cursor", "C", "the page after cursor C (printed under a page)");
}

void addStatus(CLI::App& app, ChosenCommand& chosen) {
  CLI::App* sub = nullptr;
  addLeaf(app, chosen, "status", "the state of every partner and intake source", &sub,
          [](const OperatorArgs& o) { return statusMain(o.admin); });
  addFooter(
      sub,
      "Per partner: state, pending, in flight, retry wait, fallback, dead, dead within the legal\n"
      "deadline, circuit (the worst first); per intake source: connected; per hub instance\n"
      "sharing the store: alive or stale, heartbeat age, in flight (this one marked *). Colour\n"
      "on a terminal unless NO_COLOR is set.");
}

void addDlq(CLI::App& app, ChosenCommand& chosen) {
  CLI::App* dlq =
      addCommand(app, "dlq", "dead deliveries (every channel failed): list, show, replay");
  dlq->require_subcommand(1);
  CLI::App* sub = nullptr;
  auto list = addLeaf(*dlq, chosen, "list", "list the dead deliveries", &sub,
                      [](const OperatorArgs& o) { return dlqListMain(o.admin, o.filters); });
  addDeliveryFilters(sub, *list);
  addPaging(sub, *list);
  auto show = addLeaf(*dlq, chosen, "show", "one delivery with its attempts and reasons", &sub,
                      [](const OperatorArgs& o) { return dlqShowMain(o.admin, o.id); });
  sub->add_option("ID", show->id, "the delivery id")->required();
  auto replay = addLeaf(*dlq, chosen, "replay", "deliver dead deliveries again (operator role)",
                        &sub, [](const OperatorArgs& o) {
                          return o.all ? dlqReplayAllMain(o.admin, o.filters, o.rate)
                                       : dlqReplayMain(o.admin, o.id);
                        });
  addFooter(sub,
            "Replays one delivery, keeping its delivery id, or with --all every dead delivery the\n"
            "filters match, at most N per second.");
  CLI::Option* all = sub->add_flag("--all", replay->all, "every dead delivery the filters match");
  sub->add_option("ID", replay->id, "the delivery id (or --all)")->excludes(all);
  addDeliveryFilters(sub, *replay);
  sub->add_option("--rate", replay->rate, "at most N replays per second (default: 5)")
      ->type_name("N")
      ->check(unnamed(CLI::PositiveNumber));
  for (const char* f : {"--partner", "--product", "--event-type", "--case", "--rate"}) {
    CLI::Option* opt = sub->get_option(f);
    opt->needs(all)->description(opt->get_description() + " (with --all)");
  }
  sub->parse_complete_callback([replay] {
    if (!replay->all && replay->id.empty()) throw CLI::RequiredError("ID or --all");
  });
}

void addQuarantine(CLI::App& app, ChosenCommand& chosen) {
  CLI::App* q = addCommand(app, "quarantine",
                           "events the hub could not route or validate: list, show, replay");
  q->require_subcommand(1);
  CLI::App* sub = nullptr;
  auto list = addLeaf(*q, chosen, "list", "list the quarantined events", &sub,
                      [](const OperatorArgs& o) { return quarantineListMain(o.admin, o.filters); });
  addFilter(sub, *list, "--event-type", "event_type", "T", "only events of type T");
  addFilter(sub, *list, "--case", "case", "Z", "only case (zaaknummer) Z");
  addPaging(sub, *list);
  auto show = addLeaf(*q, chosen, "show", "one event with its reason", &sub,
                      [](const OperatorArgs& o) { return quarantineShowMain(o.admin, o.id); });
  sub->add_option("ID", show->id, "the event id")->required();
  auto replay =
      addLeaf(*q, chosen, "replay", "run intake again on a quarantined event (operator role)", &sub,
              [](const OperatorArgs& o) { return quarantineReplayMain(o.admin, o.id); });
  addFooter(sub,
            "Runs intake again on the stored body, after a schema or route fix; exit 1 when the\n"
            "event stays quarantined.");
  sub->add_option("ID", replay->id, "the event id")->required();
}

}  // namespace

void addOperatorCommands(CLI::App& app, ChosenCommand& chosen) {
  addStatus(app, chosen);
  addDlq(app, chosen);
  addQuarantine(app, chosen);
}

}  // namespace hub::app
