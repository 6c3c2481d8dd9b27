#include "adapters/rest_xml/rest_xml_adapter.h"

#include <string_view>

#include "hub/engine/outcome_classifier.h"

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

Result<std::unique_ptr<DeliveryAdapter>> RestXmlAdapter::create(const PartnerConfig& cfg) {
  auto client = curl::HttpsClient::create(cfg);
  if (!client) return unexpected(client.error());
  return std::unique_ptr<DeliveryAdapter>(new RestXmlAdapter(std::move(*client)));
}

RestXmlAdapter::RestXmlAdapter(std::unique_ptr<curl::HttpsClient> client)
    : client_(std::move(client)) {}

Outcome RestXmlAdapter::deliver(const DeliveryRequest& req) {
  curl::Headers headers = {
      {"Content-Type", "application/xml; charset=utf-8"},
      {"X-Message-Id", req.delivery_id},
      {"X-Case-Id", req.case_id},
      {"X-Event-Type", req.event_type},
      {"X-Product", req.product},
  };
  for (const auto& [name, value] : headers) {
    if (!isSafeHeaderValue(value)) {
      return Outcome::permanent("invalid " + name + " header value (control character)");
    }
  }
  return engine::classifyHttp(client_->post(req.body, headers));
}

}  // namespace hub::adapters
