#pragma once
// rest-xml delivery adapter (SPEC §5): POST the signed product with
//   Content-Type: application/xml; charset=utf-8
//   X-Message-Id: <delivery id>   (the same on every retry: partners drop duplicates)
//   X-Case-Id, X-Event-Type, X-Product
// and classify the answer (hub/engine/outcome_classifier.h). Sends one attempt, never retries.
// Thread-safe (HttpsClient is).
#include <memory>

#include "hub/config/config.h"
#include "hub/core/result.h"
#include "hub/curl/https_client.h"
#include "hub/pipeline/delivery.h"

namespace hub::adapters {

class RestXmlAdapter final : public DeliveryAdapter {
 public:
  // The factory: validates the partner's settings once (through HttpsClient::create).
  static Result<std::unique_ptr<DeliveryAdapter>> create(const PartnerConfig& cfg);

  explicit RestXmlAdapter(std::unique_ptr<curl::HttpsClient> client);
  Outcome deliver(const DeliveryRequest& req) override;

  const curl::HttpsClient& client() const { return *client_; }

 private:
  std::unique_ptr<curl::HttpsClient> client_;
};

}  // namespace hub::adapters
