#include "adapters/rest_xml/rest_xml_adapter.h"

#include <string_view>

#include "adapters/https_coupling/coupling_options.h"
#include "hub/core/error_codes.h"
#include "hub/curl/http_outcome.h"

namespace hub::adapters {
namespace {

// Header values come from events and config; a CR, LF or other control character would let a
// value inject headers. Intake validates these fields; this is the last line of defence.
bool isSafeHeaderValue(std::string_view v) {
  for (char c : v) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return false;
  }
  return true;
}

}  // namespace

Result<std::unique_ptr<Channel>> RestXmlAdapter::create(const ChannelContext& ctx) {
  auto target = couplingTarget(ctx.partner, stateDir(ctx.hub));
  if (!target) return unexpected(target.error());
  auto client = curl::HttpsClient::create(*target);
  if (!client) return unexpected(client.error());
  return std::unique_ptr<Channel>(new RestXmlAdapter(target->endpoint, std::move(*client)));
}

RestXmlAdapter::RestXmlAdapter(std::string endpoint, std::unique_ptr<curl::HttpsClient> client)
    : endpoint_(std::move(endpoint)), client_(std::move(client)) {}

Result<WireMessage> RestXmlAdapter::prepare(const ChannelInput& in) const {
  WireMessage msg;
  msg.channel = "rest-xml";
  msg.target = "POST " + endpoint_;
  msg.headers = {
      {"Content-Type", "application/xml; charset=utf-8"},
      {"X-Message-Id", in.delivery_id},
      {"X-Case-Id", in.case_id},
      {"X-Event-Type", in.event_type},
      {"X-Product", in.product},
  };
  for (const auto& [name, value] : msg.headers) {
    if (!isSafeHeaderValue(value))
      return unexpected(errc::kPermanent, "invalid " + name + " header value (control character)");
  }
  msg.media_type = "application/xml; charset=utf-8";
  msg.body = in.signed_product;
  return msg;
}

Outcome RestXmlAdapter::send(const ChannelInput&, const WireMessage& msg) {
  return curl::classifyHttp(client_->post(msg.body, msg.headers));
}

void RestXmlAdapter::sendAsync(const ChannelInput&, WireMessage msg, SendDone done) {
  client_->postAsync(std::move(msg.body), msg.headers,
                     [done = std::move(done)](curl::HttpResult r) { done(curl::classifyHttp(r)); });
}

}  // namespace hub::adapters
