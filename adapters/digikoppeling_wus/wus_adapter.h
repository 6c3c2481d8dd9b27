#pragma once
// digikoppeling-wus channel (Digikoppeling WUS profile 2W-be): wraps the signed product in a
// SOAP 1.1 envelope with the WS-Addressing headers (wus_envelope.h) and POSTs it with
//   Content-Type: text/xml; charset=utf-8
//   SOAPAction: "<wsa:Action>"          quoted, equal to the envelope's wsa:Action
//   X-Message-Id: <delivery id>         as for rest-xml
// then classifies the answer (wus_response.h): RelatesTo our MessageID, the expected response
// action, a well-formed MessageID. wsa:To and the actions per product come from the partner's
// WUS contract (wus: in routes/partners.yaml, wus_options.h). Sends one attempt, never retries.
// Thread-safe (HttpsClient is; everything else is immutable after create()).
#include <memory>
#include <string>

#include "adapters/digikoppeling_wus/wus_options.h"
#include "adapters/registry.h"
#include "hub/core/result.h"
#include "hub/curl/https_client.h"
#include "hub/pipeline/channel.h"

namespace hub::adapters {

class WusAdapter final : public Channel {
 public:
  // The factory: needs the hub's OIN (hub.oin, 20 digits: wsa:From), checks the default actions
  // of the routed products against the partner's WSDL (when configured) and validates the
  // partner's TLS settings once (HttpsClient::create).
  static Result<std::unique_ptr<Channel>> create(const ChannelContext& ctx);
  // Its option schema: the HTTPS coupling's (coupling_options.h) plus `wus:` (wus_options.h),
  // and tls.expected_oin, when set, must be an OIN (it is also the OIN in the default wsa:To).
  static ChannelOptionsConstSharedPtr readOptions(config::MapReader& r,
                                                  const std::string& base_dir);

  WusAdapter(const curl::HttpsTarget& target, const std::string& hub_oin, wus::WusContract contract,
             std::unique_ptr<curl::HttpsClient> client);
  Result<WireMessage> prepare(const ChannelInput& in) const override;
  Outcome send(const ChannelInput& in, const WireMessage& msg) override;
  // Non-blocking through the client's I/O thread, except with tls.crl (https_client.h).
  bool sendsAsync() const override { return client_->sendsAsync(); }
  void sendAsync(const ChannelInput& in, WireMessage msg, SendDone done) override;

  const curl::HttpsClient& client() const { return *client_; }

 private:
  struct Expected {  // what the answer must relate to (wus_response.h: ExpectedResponse)
    std::string message_id;
    std::string action;
  };
  Result<Expected> expectedResponse(const ChannelInput& in) const;

  const std::string partner_;        // partner code: part of the default wsa:Action
  const std::string endpoint_;       // the URL posted to
  const std::string to_;             // wsa:To
  const std::string from_;           // wsa:From/wsa:Address
  const wus::WusContract contract_;  // actions per product
  std::unique_ptr<curl::HttpsClient> client_;
};

}  // namespace hub::adapters
