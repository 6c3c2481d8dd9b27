#pragma once
// rest-xml channel: POST the signed product with
//   Content-Type: application/xml; charset=utf-8
//   X-Message-Id: <delivery id>   (the same on every retry: partners drop duplicates)
//   X-Case-Id, X-Event-Type, X-Product
// and classify the answer (hub/curl/http_outcome.h). Sends one attempt, never retries.
// Thread-safe (HttpsClient is). sendAsync posts without blocking (HttpsClient::postAsync).
#include <memory>

#include "adapters/registry.h"
#include "hub/core/result.h"
#include "hub/curl/https_client.h"
#include "hub/pipeline/channel.h"

namespace hub::adapters {

class RestXmlAdapter final : public Channel {
 public:
  // The factory: validates the partner's settings once (through HttpsClient::create).
  static Result<std::unique_ptr<Channel>> create(const ChannelContext& ctx);

  RestXmlAdapter(std::string endpoint, std::unique_ptr<curl::HttpsClient> client);
  Result<WireMessage> prepare(const ChannelInput& in) const override;
  Outcome send(const ChannelInput& in, const WireMessage& msg) override;
  // Non-blocking through the client's I/O thread, except with tls.crl (https_client.h).
  bool sendsAsync() const override { return client_->sendsAsync(); }
  void sendAsync(const ChannelInput& in, WireMessage msg, SendDone done) override;

  const curl::HttpsClient& client() const { return *client_; }

 private:
  const std::string endpoint_;
  std::unique_ptr<curl::HttpsClient> client_;
};

}  // namespace hub::adapters
