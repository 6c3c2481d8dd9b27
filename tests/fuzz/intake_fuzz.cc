// Fuzz target: the AMQP envelope checks and intake decision, hub/engine/intake_processor.h
// processEnvelope, with a Runtime built from the repository's own configuration: the demo
// hub.yaml (deploy/local), the routes under routes/ and the event schemas under schemas/events/
// (as hub/app/runtime_loader does, without products, channels or keys).
// Input: one header line "event-type TAB content-type TAB case-id TAB message-id TAB actor"
// (missing fields stay empty: absent properties), then the body. A first byte 0xff marks the
// envelope as flagged oversize by the receiver (body dropped), as the AMQP intake does.
// Checks beyond ASan/UBSan:
//  - a quarantine has a reason "<code>: ...", no deliveries, and a message id (synthesized);
//  - an accepted event has its XML form, which eventXmlForm derives again from the stored body
//    exactly (workers rely on it); every planned delivery is one of its route's, with a unique
//    delivery id.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "adapters/registry.h"
#include "hub/config/loader.h"
#include "hub/engine/intake_processor.h"
#include "hub/xml/schema.h"
#include "tests/fuzz/fuzz_support.h"

using namespace hub;

namespace {

engine::Runtime* runtime = nullptr;

void loadRuntime() {
  config::LoadOptions opts;
  for (const auto& e : adapters::channelTable())
    if (e.schema.primary) opts.known_adapters.push_back(e.schema.name);
  opts.channels = adapters::channelSchemas();
  config::Diagnostics diag;
  auto cfg = config::loadConfig(fuzz::sourcePath("deploy/local/hub.yaml"), opts, diag);
  if (!cfg) fuzz::fail("deploy/local/hub.yaml does not load", diag.joined());
  runtime = new engine::Runtime();
  runtime->cfg = cfg;
  runtime->person_key = std::string(32, 'k');
  for (const auto& route : cfg->routes) {
    auto schema = xml::Schema::load(cfg->schemas_dir + "/events/" + route.event_type + ".xsd");
    if (!schema) fuzz::fail("event schema does not load", schema.error().message);
    runtime->event_schemas[route.event_type] = *schema;
  }
  fuzz::check(!runtime->event_schemas.empty(), "the routes configure event types");
}

// Next TAB-separated field of the header line (consumes it and the TAB).
std::string field(std::string_view& header) {
  const size_t tab = header.find('\t');
  std::string out(header.substr(0, tab));
  header = tab == std::string_view::npos ? std::string_view{} : header.substr(tab + 1);
  return out;
}

bool hasCodePrefix(const std::string& reason) {
  const size_t colon = reason.find(": ");
  if (colon == std::string::npos || colon == 0) return false;
  for (size_t i = 0; i < colon; ++i)
    if (!((reason[i] >= 'a' && reason[i] <= 'z') || reason[i] == '_')) return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::initXmlRuntime();
  loadRuntime();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  const size_t nl = in.find('\n');
  std::string_view header = in.substr(0, nl);
  Envelope env;
  env.event_type = field(header);
  env.content_type = field(header);
  env.case_id = field(header);
  env.message_id = field(header);
  env.actor = field(header);
  env.body = nl == std::string_view::npos ? std::string() : std::string(in.substr(nl + 1));
  env.source = "fuzz";
  env.received_at_ms = 1767225600000;  // 2026-01-01T00:00:00Z
  if (size > 0 && data[0] == 0xff) {
    env.oversize = true;
    env.oversize_bytes = env.body.size() + (64u << 20);
    env.body.clear();
  }
  const Envelope sent = env;

  IntakeRecord r = engine::processEnvelope(*runtime, std::move(env));
  fuzz::check(!r.env.message_id.empty(), "the record has a message id");
  if (r.quarantined) {
    fuzz::check(hasCodePrefix(r.reason), "quarantine reason starts with its code", r.reason);
    fuzz::check(r.deliveries.empty(), "a quarantined event plans nothing", r.reason);
    return 0;
  }
  fuzz::check(!r.event_xml.empty(), "an accepted event has its XML form");
  fuzz::check(r.env.body == sent.body, "the stored body is the received body");
  auto again =
      engine::eventXmlForm(sent.content_type, sent.body, engine::eventLimits(runtime->cfg->intake));
  fuzz::check(again.has_value() && *again == r.event_xml,
              "eventXmlForm of the stored body equals intake's XML form", r.event_xml);
  const Route* route = runtime->cfg->findRoute(sent.event_type);
  fuzz::check(route != nullptr, "an accepted event has a route", sent.event_type);
  std::set<std::string> ids;
  for (const auto& d : r.deliveries) {
    fuzz::check(runtime->rule(sent.event_type, d.partner, d.product) != nullptr,
                "a planned delivery is one of the route's", d.partner + "/" + d.product);
    fuzz::check(!d.delivery_id.empty() && ids.insert(d.delivery_id).second,
                "delivery ids are unique", d.delivery_id);
    fuzz::check(d.deadline_at > sent.received_at_ms, "the deadline is after receipt");
  }
  return 0;
}
