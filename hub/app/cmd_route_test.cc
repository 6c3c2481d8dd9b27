// ketenhub route test: the dry run. Runs exactly the intake decision and product pipeline of
// `run` (processEnvelope, buildProduct) on one event file; nothing is stored or sent.
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "hub/app/commands.h"
#include "hub/app/exit_status.h"
#include "hub/app/runtime_loader.h"
#include "hub/core/time_format.h"
#include "hub/core/time_source.h"
#include "hub/engine/attempt_runner.h"
#include "hub/engine/intake_processor.h"
#include "hub/engine/product_builder.h"
#include "hub/tls/digest.h"

namespace fs = std::filesystem;

namespace hub::app {
namespace {
// A wire message as text: where it goes, its headers, a blank line, the exact body.
std::string renderWire(const WireMessage& msg) {
  std::string out = msg.target + "\n";
  for (const auto& [k, v] : msg.headers) out += k + ": " + v + "\n";
  out += "\n" + msg.body;
  return out;
}

bool isText(const std::string& media_type) {
  return media_type.find("xml") != std::string::npos || media_type.rfind("message/", 0) == 0 ||
         media_type.rfind("text/", 0) == 0;
}

std::string zaaknummerOf(const std::string& body) {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) return "";
  auto* z = v.as_object().if_contains("zaaknummer");
  return z && z->is_string() ? std::string(z->as_string().c_str()) : "";
}
}  // namespace

// The value given, else the default.
std::string given(const std::string& value, const std::string& def) {
  return value.empty() ? def : value;
}

int routeTestMain(const RouteTestOptions& o) {
  const std::string& file = o.event_file;
  std::ifstream in(file, std::ios::binary);
  if (!in) return fail("cannot read " + file);
  std::stringstream ss;
  ss << in.rdbuf();

  RuntimeLoad load = loadRuntime(o.config_file);
  for (const auto& e : load.errors) std::cerr << "error: " << e << "\n";
  if (!load.runtime) return fail("configuration has errors");
  const auto& rt = *load.runtime;

  Envelope env;
  env.body = ss.str();
  env.event_type = given(o.event_type, fs::path(file).stem().string());
  env.message_id = given(o.message_id, "route-test:" + env.event_type);
  env.case_id = given(o.case_id, zaaknummerOf(env.body));
  env.actor = given(o.actor, "route-test");
  env.content_type = o.content_type;
  env.source = "route-test";
  env.received_at_ms = SystemTimeSource().nowMs();
  IntakeRecord rec = engine::processEnvelope(rt, env);
  if (rec.quarantined) return fail("event would be quarantined: " + rec.reason);
  for (const auto& h : rec.history) std::cout << "# " << h << "\n";

  const std::string& only = o.partner;
  int failures = 0, shown = 0;
  for (const auto& d : rec.deliveries) {
    if (!only.empty() && d.partner != only) continue;
    ++shown;
    engine::ProductInput pin{rec.event_xml,
                             rec.env.message_id,
                             rec.env.case_id,
                             rec.env.event_type,
                             rec.env.actor,
                             d.delivery_id,
                             d.partner,
                             d.product,
                             given(o.sent_at, formatRfc3339Utc(rec.env.received_at_ms))};
    auto built = engine::buildProduct(rt, pin, true);
    const std::string adapter = rt.cfg->partners.at(d.partner).adapter;
    std::cout << "delivery " << d.delivery_id << " partner=" << d.partner
              << " product=" << d.product << " channel=" << adapter << ": ";
    if (!built) {
      ++failures;
      std::cout << "FAILED " << built.error().code << ": " << built.error().message << "\n";
      continue;
    }
    std::cout << "schema valid, signed (" << built->signed_xml.size() << " bytes)\n";
    // A condition on the case's history: `run` decides it in the store, which a dry run has not.
    for (const auto& prior : d.requires_prior)
      std::cout << "  conditional: planned only if this case already has a delivery "
                << prior.partner << "/" << prior.product << " (decided by the store at intake)\n";
    // The exact wire message of every channel of the chain, as `run` would send it.
    const DeliveryRule* rule = rt.rule(rec.env.event_type, d.partner, d.product);
    ChannelInput in{d.delivery_id,
                    rec.env.message_id,
                    rec.env.case_id,
                    rec.env.event_type,
                    d.partner,
                    d.product,
                    rule ? engine::processStep(*rule) : d.product,
                    built->signed_xml,
                    tls::sha256Hex(built->signed_xml),
                    rec.env.received_at_ms};
    std::vector<std::string> chain = {""};
    if (rule) chain.insert(chain.end(), rule->fallback.begin(), rule->fallback.end());
    std::vector<std::pair<std::string, WireMessage>> wires;
    for (const auto& name : chain) {
      std::string shown_name = name.empty() ? adapter : name;
      Channel* ch = rt.channel(d.partner, name);
      if (!ch) {
        std::cout << "  channel " << shown_name << ": not configured for partner " << d.partner
                  << " (skipped)\n";
        continue;
      }
      auto msg = ch->prepare(in);
      if (!msg) {
        ++failures;
        std::cout << "  channel " << shown_name << ": FAILED " << msg.error().message << "\n";
        continue;
      }
      std::cout << "  channel " << shown_name << ": " << msg->target << " (" << msg->media_type
                << ", " << msg->body.size() << " bytes)\n";
      wires.emplace_back(shown_name, std::move(*msg));
    }
    std::cout << "  product sha256 " << in.product_sha256 << "\n";
    if (!o.out_dir.empty()) {
      fs::path dir = fs::path(o.out_dir) / d.partner;
      fs::create_directories(dir);
      std::ofstream(dir / (d.product + ".xml"), std::ios::binary) << built->signed_xml;
      for (const auto& [name, msg] : wires) {
        std::ofstream(dir / (d.product + "." + name + ".wire"), std::ios::binary)
            << renderWire(msg);
        for (const auto& part : msg.parts)
          std::ofstream(dir / (d.product + "." + name + "." + part.name), std::ios::binary)
              << part.bytes;
      }
    } else {
      std::cout << built->signed_xml << "\n";
      for (const auto& [name, msg] : wires)
        if (isText(msg.media_type)) std::cout << "--- " << name << "\n" << renderWire(msg) << "\n";
    }
  }
  if (!only.empty() && shown == 0) return fail("the route plans no delivery for partner " + only);
  return failures == 0 ? 0 : fail(std::to_string(failures) + " product(s) failed");
}

}  // namespace hub::app
