// The operator commands: `ketenhub status`, `ketenhub dlq ...`, `ketenhub quarantine ...`, thin
// clients of the running hub's admin API (hub/admin/admin_endpoints.cc). The admin URL comes
// from --admin or KETENHUB_ADMIN; the bearer token from KETENHUB_TOKEN or --token-file, never
// from an argument (it would show in ps) and never printed. Tables: hub/admin/status_table.h.
#include <unistd.h>

#include <boost/json.hpp>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "hub/admin/status_table.h"
#include "hub/app/commands.h"
#include "hub/app/exit_status.h"
#include "hub/core/error_codes.h"
#include "hub/curl/admin_client.h"

namespace hub::app {
namespace {

namespace bj = boost::json;
using curl::AdminClient;
using curl::urlEscape;

constexpr const char* kDefaultAdmin = "http://127.0.0.1:8081";

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

Result<std::unique_ptr<AdminClient>> connect(const AdminOptions& a) {
  curl::AdminClientOptions o;
  o.base_url = !a.admin_url.empty()             ? a.admin_url
               : !env("KETENHUB_ADMIN").empty() ? env("KETENHUB_ADMIN")
                                                : kDefaultAdmin;
  o.ca_file = a.ca_file;
  if (!a.token_file.empty()) {
    auto t = readToken(a.token_file);
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

// "&name=value" for each given filter, in the API's names.
std::string query(const Filters& f) {
  std::string q;
  for (const auto& [name, value] : f)
    if (!value.empty()) q += "&" + name + "=" + urlEscape(value);
  return q;
}

// Connects, runs fn(client); maps errors to exit codes.
template <class Fn>
int withClient(const AdminOptions& a, Fn fn) {
  auto client = connect(a);
  if (!client) return fail(client.error().message);
  return fn(**client);
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

}  // namespace

int statusMain(const AdminOptions& a) {
  return withClient(a, [](AdminClient& c) {
    auto v = call(c, false, "/api/v1/status");
    if (!v) return fail(v.error().message);
    std::cout << admin::statusTable(*v, colourWanted());
    // The instances sharing the store (a hub without the cluster view: nothing more to show).
    if (auto cluster = call(c, false, "/api/v1/cluster"))
      std::cout << "\n" << admin::clusterTable(*cluster, colourWanted());
    return 0;
  });
}

int dlqListMain(const AdminOptions& a, const Filters& f) {
  return withClient(a, [&f](AdminClient& c) {
    auto v = call(c, false, "/api/v1/messages?state=dead" + query(f));
    if (!v) return fail(v.error().message);
    std::cout << admin::deadDeliveriesTable(*v);
    return 0;
  });
}

int dlqShowMain(const AdminOptions& a, const std::string& id) {
  return withClient(a,
                    [&id](AdminClient& c) { return show(c, "/api/v1/messages/" + urlEscape(id)); });
}

int dlqReplayMain(const AdminOptions& a, const std::string& id) {
  return withClient(a, [&id](AdminClient& c) {
    auto v = call(c, true, "/api/v1/messages/" + urlEscape(id) + "/replay");
    if (!v) return fail(v.error().message);
    std::cout << "delivery " << id << " replayed (same delivery id)\n";
    return 0;
  });
}

int dlqReplayAllMain(const AdminOptions& a, const Filters& f, const std::string& rate) {
  return withClient(a, [&](AdminClient& c) {
    auto v = call(c, true, "/api/v1/replay?rate=" + urlEscape(rate) + query(f));
    if (!v) return fail(v.error().message);
    const auto& o = asObject(*v);
    std::cout << "replayed " << bj::serialize(o.contains("replayed") ? o.at("replayed") : 0)
              << " dead deliveries, at most "
              << bj::serialize(o.contains("rate_per_s") ? o.at("rate_per_s") : 0)
              << " per second\n";
    if (auto* l = o.if_contains("limit_reached"); l && l->is_bool() && l->get_bool())
      std::cout << "the bulk limit was reached: run it again for the rest\n";
    return 0;
  });
}

int quarantineListMain(const AdminOptions& a, const Filters& f) {
  return withClient(a, [&f](AdminClient& c) {
    std::string q = query(f);
    if (!q.empty()) q[0] = '?';
    auto v = call(c, false, "/api/v1/quarantine" + q);
    if (!v) return fail(v.error().message);
    std::cout << admin::quarantineTable(*v);
    return 0;
  });
}

int quarantineShowMain(const AdminOptions& a, const std::string& id) {
  return withClient(
      a, [&id](AdminClient& c) { return show(c, "/api/v1/quarantine/" + urlEscape(id)); });
}

int quarantineReplayMain(const AdminOptions& a, const std::string& id) {
  return withClient(a, [&id](AdminClient& c) {
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
}

}  // namespace hub::app
