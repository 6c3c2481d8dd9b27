#include "adapters/digikoppeling_wus/wus_adapter.h"

#include <algorithm>
#include <string_view>

#include "adapters/digikoppeling_wus/wus_envelope.h"
#include "adapters/digikoppeling_wus/wus_options.h"
#include "adapters/digikoppeling_wus/wus_response.h"
#include "hub/core/error_codes.h"

namespace hub::adapters {
namespace {

bool isOin(std::string_view s) {
  return s.size() == 20 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Header values come from events and config; a CR, LF or other control character would let a
// value inject headers.
bool isSafeHeaderValue(std::string_view v) {
  return std::none_of(v.begin(), v.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

}  // namespace

ChannelOptionsConstSharedPtr WusAdapter::readOptions(config::MapReader& r,
                                                     const std::string& base_dir) {
  auto o = wus::readWusOptions(r, base_dir);
  const auto* c = dynamic_cast<const HttpsCouplingOptions*>(o.get());
  if (c && !c->tls.expected_oin.empty() && !isOin(c->tls.expected_oin)) {
    config::MapReader t = r.child("tls");
    t.error("expected_oin", "an OIN has exactly 20 digits (it is also the OIN in wsa:To)");
    return nullptr;
  }
  return o;
}

Result<std::unique_ptr<Channel>> WusAdapter::create(const ChannelContext& ctx) {
  const PartnerConfig& cfg = ctx.partner;
  auto target = couplingTarget(cfg, stateDir(ctx.hub));
  if (!target) return unexpected(target.error());
  if (!isOin(ctx.hub.hub.oin)) {
    return unexpected(errc::kConfig, "partner '" + cfg.code +
                                         "': digikoppeling-wus needs the hub's OIN (hub.oin, "
                                         "20 digits) for wsa:From");
  }
  if (!target->tls.expected_oin.empty() && !isOin(target->tls.expected_oin)) {
    return unexpected(errc::kConfig, "partner '" + cfg.code +
                                         "': tls.expected_oin must be 20 digits (it is also "
                                         "the OIN in wsa:To)");
  }
  if (!wus::wusAction(cfg.code, "product")) {
    return unexpected(errc::kConfig,
                      "partner '" + cfg.code + "': code unusable in wsa:Action (urn:ketenhub:...)");
  }
  // The partner's WUS contract (wus: in routes/partners.yaml); a partner read by another schema
  // (only in tests) gets the defaults.
  wus::WusContract contract;
  if (const auto* o = dynamic_cast<const wus::WusOptions*>(couplingOptions(cfg))) {
    contract = o->contract;
    // The actions of the routed products that were left to the default rule must be in the
    // partner's WSDL too (configured ones were checked when the file was read).
    if (auto checked = wus::checkRoutedActions(*o, cfg.code, ctx.products); !checked) {
      return unexpected(errc::kConfig, checked.error().message);
    }
  }
  auto client = curl::HttpsClient::create(*target);
  if (!client) return unexpected(client.error());
  return std::unique_ptr<Channel>(
      new WusAdapter(*target, ctx.hub.hub.oin, std::move(contract), std::move(*client)));
}

WusAdapter::WusAdapter(const curl::HttpsTarget& target, const std::string& hub_oin,
                       wus::WusContract contract, std::unique_ptr<curl::HttpsClient> client)
    : partner_(target.code),
      endpoint_(target.endpoint),
      to_(contract.to.empty() ? wus::wsaTo(target.endpoint, target.tls.expected_oin) : contract.to),
      from_(wus::wsaFrom(hub_oin)),
      contract_(std::move(contract)),
      client_(std::move(client)) {}

Result<WireMessage> WusAdapter::prepare(const ChannelInput& in) const {
  auto action = wus::requestAction(contract_, partner_, in.product);
  if (!action) return unexpected(errc::kPermanent, action.error().message);
  auto message_id = wus::wusMessageId(in.delivery_id);
  if (!message_id) return unexpected(errc::kPermanent, message_id.error().message);
  auto envelope = wus::buildEnvelope({to_, *action, *message_id, from_}, in.signed_product);
  if (!envelope) return unexpected(errc::kPermanent, envelope.error().message);
  WireMessage msg;
  msg.channel = "digikoppeling-wus";
  msg.target = "POST " + endpoint_;
  msg.headers = {
      {"Content-Type", "text/xml; charset=utf-8"},
      {"SOAPAction", "\"" + *action + "\""},
      {"X-Message-Id", in.delivery_id},
  };
  for (const auto& [name, value] : msg.headers) {
    if (!isSafeHeaderValue(value))
      return unexpected(errc::kPermanent, "invalid " + name + " header value (control character)");
  }
  msg.media_type = "text/xml; charset=utf-8";
  msg.body = std::move(*envelope);
  return msg;
}

Result<WusAdapter::Expected> WusAdapter::expectedResponse(const ChannelInput& in) const {
  auto message_id = wus::wusMessageId(in.delivery_id);
  if (!message_id) return unexpected(message_id.error());
  auto action = wus::requestAction(contract_, partner_, in.product);
  if (!action) return unexpected(action.error());
  return Expected{*message_id, wus::responseAction(contract_, in.product, *action)};
}

Outcome WusAdapter::send(const ChannelInput& in, const WireMessage& msg) {
  auto expected = expectedResponse(in);
  if (!expected) return Outcome::permanent(expected.error().message);
  return wus::classifyWusResponse(client_->post(msg.body, msg.headers),
                                  {expected->message_id, expected->action});
}

void WusAdapter::sendAsync(const ChannelInput& in, WireMessage msg, SendDone done) {
  auto expected = expectedResponse(in);
  if (!expected) {
    done(Outcome::permanent(expected.error().message));
    return;
  }
  // The answer (a small SOAP envelope, parsed without DTDs) is classified on the I/O thread.
  client_->postAsync(std::move(msg.body), msg.headers,
                     [expected = std::move(*expected), done = std::move(done)](curl::HttpResult r) {
                       done(wus::classifyWusResponse(r, {expected.message_id, expected.action}));
                     });
}

}  // namespace hub::adapters
