// The operator commands: `ketenhub status`, `ketenhub dlq ...`, `ketenhub quarantine ...`, thin
// clients of the running hub's admin API (hub/admin/admin_endpoints.cc). The admin URL comes
// from --admin or KETENHUB_ADMIN; the bearer token from KETENHUB_TOKEN or --token-file, never
// from an argument (it would show in ps) and never printed. Tables: hub/admin/status_table.h.
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "hub/admin/status_table.h"
#include "hub/app/args.h"
#include "hub/app/commands.h"
#include "hub/core/error_codes.h"
#include "hub/curl/admin_client.h"

namespace hub::app {
namespace {

namespace bj = boost::json;
using curl::AdminClient;
using curl::urlEscape;

constexpr const char* kDefaultAdmin = "http://127.0.0.1:8081";

constexpr const char* kCommonHelp =
    "options:\n"
    "  --admin URL       the hub's admin API (default: $KETENHUB_ADMIN, else "
    "http://127.0.0.1:8081);\n"
    "                    plain http only to a loopback address, https with --ca\n"
    "  --token-file F    bearer token from the first line of F (default: $KETENHUB_TOKEN);\n"
    "                    never taken from the command line\n"
    "  --ca CA.pem       trust anchors for an https admin URL\n"
    "exit codes: 0 ok, 1 failure (one-line reason on stderr), 2 usage error\n";

constexpr const char* kStatusUsage =
    "usage: ketenhub status [--admin URL] [--token-file F] [--ca CA.pem]\n"
    "  per partner: state, pending, in flight, retry wait, fallback, dead, dead within the legal\n"
    "  deadline, circuit (the worst first); per intake source: connected. Colour on a terminal\n"
    "  unless NO_COLOR is set.\n";

constexpr const char* kDlqUsage =
    "usage: ketenhub dlq list [--partner P] [--product X] [--event-type T] [--case Z] [--limit N]\n"
    "                         [--cursor C]\n"
    "       ketenhub dlq show ID\n"
    "       ketenhub dlq replay ID\n"
    "       ketenhub dlq replay --all [--partner P] [--product X] [--event-type T] [--case Z]\n"
    "                                 [--rate N]\n"
    "  dead deliveries (every channel failed); replay needs the operator role and keeps the\n"
    "  delivery id; replay --all replays every dead delivery the filters match, at most N per\n"
    "  second (default 5).\n";

constexpr const char* kQuarantineUsage =
    "usage: ketenhub quarantine list [--event-type T] [--case Z] [--limit N] [--cursor C]\n"
    "       ketenhub quarantine show ID\n"
    "       ketenhub quarantine replay ID\n"
    "  events the hub could not route or validate; replay (operator role) runs intake again on\n"
    "  the stored body, after a schema or route fix; exit 1 when it stays quarantined.\n";

const std::set<std::string> kCommon = {"--admin", "--token-file", "--ca"};

std::set<std::string> with(std::set<std::string> flags) {
  flags.insert(kCommon.begin(), kCommon.end());
  return flags;
}

bool wantsHelp(const Args& args) {
  for (const auto& a : args)
    if (a == "--help" || a == "-h") return true;
  return false;
}

bool hasTokenArgument(const Args& args) {
  for (const auto& a : args)
    if (a == "--token" || a.rfind("--token=", 0) == 0) return true;
  return false;
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

Result<std::string> readToken(const std::string& file) {
  std::ifstream in(file);
  std::string line;
  if (!in || !std::getline(in, line))
    return unexpected(errc::kIo, "cannot read the token file " + file);
  while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.pop_back();
  if (line.empty())
    return unexpected(errc::kIo, "the token file " + file + " has an empty first line");
  return line;
}

Result<std::unique_ptr<AdminClient>> connect(const ArgParser& p) {
  curl::AdminClientOptions o;
  o.base_url =
      p.get("--admin", env("KETENHUB_ADMIN").empty() ? kDefaultAdmin : env("KETENHUB_ADMIN"));
  o.ca_file = p.get("--ca", "");
  if (auto f = p.get("--token-file")) {
    auto t = readToken(*f);
    if (!t) return unexpected(t.error());
    o.token = std::move(*t);
  } else {
    o.token = env("KETENHUB_TOKEN");
  }
  return AdminClient::create(std::move(o));
}

// One call: a 2xx JSON body, or the hub's one-line reason ("admin API: 401 a valid bearer...").
Result<bj::value> call(AdminClient& c, bool post, const std::string& path) {
  auto r = post ? c.post(path) : c.get(path);
  if (!r) return unexpected(errc::kTransport, "admin API: " + r.error().message);
  boost::system::error_code ec;
  bj::value body = bj::parse(r->body, ec);
  if (r->status < 200 || r->status > 299) {
    std::string why;
    if (!ec && body.is_object())
      if (auto* e = body.get_object().if_contains("error"); e && e->is_string())
        why = std::string(e->get_string());
    if (why.empty()) why = r->body.substr(0, r->body.find('\n')).substr(0, 200);
    return unexpected(errc::kTransport,
                      "admin API: " + std::to_string(r->status) + (why.empty() ? "" : " " + why));
  }
  if (ec) return unexpected(errc::kTransport, "admin API: the response is not JSON");
  return body;
}

// Appends &name=value for each given filter flag (flag --event-type -> event_type).
std::string filters(const ArgParser& p, std::initializer_list<const char*> flags) {
  std::string q;
  for (const char* f : flags) {
    auto v = p.get(f);
    if (!v) continue;
    std::string name = std::string(f).substr(2);
    for (char& ch : name)
      if (ch == '-') ch = '_';
    q += "&" + name + "=" + urlEscape(*v);
  }
  return q;
}

// Parses args for one subcommand, connects, runs fn(client, parser); maps errors to exit codes.
template <class Fn>
int withClient(const Args& args, std::set<std::string> flags, std::set<std::string> switches,
               size_t positionals, const std::string& command, Fn fn) {
  if (hasTokenArgument(args))
    return usage(
        "--token is not accepted (a token on the command line shows in ps); use "
        "KETENHUB_TOKEN or --token-file F");
  ArgParser p(args, with(std::move(flags)), std::move(switches));
  if (!p.ok()) return usage(p.error() + " (see ketenhub " + command + " --help)");
  if (p.positionals().size() != positionals)
    return usage("wrong number of arguments (see ketenhub " + command + " --help)");
  auto client = connect(p);
  if (!client) return fail(client.error().message);
  return fn(**client, p);
}

const bj::object& asObject(const bj::value& v) {
  static const bj::object kEmpty;
  return v.is_object() ? v.get_object() : kEmpty;
}

bool colourWanted() { return isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr; }

int show(AdminClient& c, const std::string& path) {
  auto v = call(c, false, path);
  if (!v) return fail(v.error().message);
  std::cout << admin::prettyJson(*v);
  return 0;
}

// Splits "list --partner om" into ("list", the rest); "" when no subcommand.
std::pair<std::string, Args> subcommand(const Args& args) {
  if (args.empty() || args.front().rfind("-", 0) == 0) return {"", args};
  return {args.front(), Args(args.begin() + 1, args.end())};
}

// A missing or unknown subcommand: the reason and the command's usage on stderr, exit 2.
int usageWithText(const std::string& sub, const std::string& command, const char* text) {
  std::cerr << "ketenhub: "
            << (sub.empty() ? command + " needs a subcommand"
                            : "unknown " + command + " command '" + sub + "'")
            << "\n"
            << text;
  return 2;
}

bool has(const Args& args, const std::string& flag) {
  return std::find(args.begin(), args.end(), flag) != args.end();
}

int dlqReplayAll(AdminClient& c, const ArgParser& p) {
  std::string q = "rate=" + urlEscape(p.get("--rate", "5")) +
                  filters(p, {"--partner", "--product", "--event-type", "--case"});
  auto v = call(c, true, "/api/v1/replay?" + q);
  if (!v) return fail(v.error().message);
  const auto& o = asObject(*v);
  std::cout << "replayed " << bj::serialize(o.contains("replayed") ? o.at("replayed") : 0)
            << " dead deliveries, at most "
            << bj::serialize(o.contains("rate_per_s") ? o.at("rate_per_s") : 0) << " per second\n";
  if (auto* l = o.if_contains("limit_reached"); l && l->is_bool() && l->get_bool())
    std::cout << "the bulk limit was reached: run it again for the rest\n";
  return 0;
}

}  // namespace

int statusMain(const Args& args) {
  if (wantsHelp(args)) return std::cout << kStatusUsage << kCommonHelp, 0;
  return withClient(args, {}, {}, 0, "status", [](AdminClient& c, const ArgParser&) {
    auto v = call(c, false, "/api/v1/status");
    if (!v) return fail(v.error().message);
    std::cout << admin::statusTable(*v, colourWanted());
    return 0;
  });
}

int dlqMain(const Args& args) {
  if (wantsHelp(args)) return std::cout << kDlqUsage << kCommonHelp, 0;
  auto [sub, rest] = subcommand(args);
  const std::set<std::string> kFilters = {"--partner", "--product", "--event-type", "--case"};
  if (sub == "list") {
    auto flags = kFilters;
    flags.insert({"--limit", "--cursor"});
    return withClient(rest, flags, {}, 0, "dlq", [](AdminClient& c, const ArgParser& p) {
      std::string q = "state=dead" + filters(p, {"--partner", "--product", "--event-type", "--case",
                                                 "--limit", "--cursor"});
      auto v = call(c, false, "/api/v1/messages?" + q);
      if (!v) return fail(v.error().message);
      std::cout << admin::deadDeliveriesTable(*v);
      return 0;
    });
  }
  if (sub == "show")
    return withClient(rest, {}, {}, 1, "dlq", [](AdminClient& c, const ArgParser& p) {
      return show(c, "/api/v1/messages/" + urlEscape(p.positionals()[0]));
    });
  if (sub == "replay" && has(rest, "--all")) {
    auto flags = kFilters;
    flags.insert("--rate");
    return withClient(rest, flags, {"--all"}, 0, "dlq", dlqReplayAll);
  }
  if (sub == "replay")
    return withClient(rest, {}, {}, 1, "dlq", [](AdminClient& c, const ArgParser& p) {
      const std::string& id = p.positionals()[0];
      auto v = call(c, true, "/api/v1/messages/" + urlEscape(id) + "/replay");
      if (!v) return fail(v.error().message);
      std::cout << "delivery " << id << " replayed (same delivery id)\n";
      return 0;
    });
  return usageWithText(sub, "dlq", kDlqUsage);
}

int quarantineMain(const Args& args) {
  if (wantsHelp(args)) return std::cout << kQuarantineUsage << kCommonHelp, 0;
  auto [sub, rest] = subcommand(args);
  if (sub == "list")
    return withClient(
        rest, {"--event-type", "--case", "--limit", "--cursor"}, {}, 0, "quarantine",
        [](AdminClient& c, const ArgParser& p) {
          std::string q = filters(p, {"--event-type", "--case", "--limit", "--cursor"});
          if (!q.empty()) q[0] = '?';
          auto v = call(c, false, "/api/v1/quarantine" + q);
          if (!v) return fail(v.error().message);
          std::cout << admin::quarantineTable(*v);
          return 0;
        });
  if (sub == "show")
    return withClient(rest, {}, {}, 1, "quarantine", [](AdminClient& c, const ArgParser& p) {
      return show(c, "/api/v1/quarantine/" + urlEscape(p.positionals()[0]));
    });
  if (sub == "replay")
    return withClient(rest, {}, {}, 1, "quarantine", [](AdminClient& c, const ArgParser& p) {
      const std::string& id = p.positionals()[0];
      auto v = call(c, true, "/api/v1/quarantine/" + urlEscape(id) + "/replay");
      if (!v) return fail(v.error().message);
      const auto& o = asObject(*v);
      auto* outcome = o.if_contains("outcome");
      if (outcome && outcome->is_string() && outcome->get_string() == "routed") {
        std::cout << "event " << id << " routed\n";
        return 0;
      }
      auto* reason = o.if_contains("reason");
      return fail("event " + id + " is still quarantined" +
                  (reason && reason->is_string() ? ": " + std::string(reason->get_string()) : ""));
    });
  return usageWithText(sub, "quarantine", kQuarantineUsage);
}

}  // namespace hub::app
