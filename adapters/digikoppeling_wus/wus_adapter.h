#pragma once
// digikoppeling-wus delivery adapter (SPEC §5, Digikoppeling WUS profile 2W-be): wraps the signed
// product in a SOAP 1.1 envelope with the WS-Addressing headers (wus_envelope.h) and POSTs it with
//   Content-Type: text/xml; charset=utf-8
//   SOAPAction: "<wsa:Action>"          quoted, equal to the envelope's wsa:Action
//   X-Message-Id: <delivery id>         as for rest-xml
// then classifies the answer (wus_response.h). Sends one attempt, never retries. Thread-safe
// (HttpsClient is; everything else is immutable after create()).
#include <memory>
#include <string>

#include "hub/config/config.h"
#include "hub/core/result.h"
#include "hub/curl/https_client.h"
#include "hub/pipeline/delivery.h"

namespace hub::adapters {

class WusAdapter final : public DeliveryAdapter {
 public:
  // The factory: needs the hub's OIN (cfg.hub_oin, 20 digits: wsa:From) and validates the
  // partner's TLS settings once (HttpsClient::create).
  static Result<std::unique_ptr<DeliveryAdapter>> create(const PartnerConfig& cfg);

  WusAdapter(const PartnerConfig& cfg, std::unique_ptr<curl::HttpsClient> client);
  Outcome deliver(const DeliveryRequest& req) override;

  const curl::HttpsClient& client() const { return *client_; }

 private:
  const std::string partner_;  // partner code: part of wsa:Action
  const std::string to_;       // wsa:To
  const std::string from_;     // wsa:From/wsa:Address
  std::unique_ptr<curl::HttpsClient> client_;
};

}  // namespace hub::adapters
