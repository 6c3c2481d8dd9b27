#pragma once
// The options of a partner's HTTPS coupling (rest-xml, digikoppeling-wus), at the partner's own
// level in routes/partners.yaml:
//   endpoint: https://...                    required
//   tls: {profile, ca: [..], client_certificate, client_key, pins: [..], expected_oin,
//         crl: [file or http(s) URL, ..], crl_refresh: 4h, crl_check: leaf | chain}
//   timeouts: {connect, request}
// Read and validated by the channel's schema (the registry hands it to the loader), with
// positional errors; the factory turns them into a curl::HttpsTarget.
#include <string>

#include "hub/config/config.h"
#include "hub/config/yaml_reader.h"
#include "hub/core/result.h"
#include "hub/curl/client_settings.h"

namespace hub::adapters {

struct HttpsCouplingOptions : ChannelOptions {
  std::string endpoint;
  TlsConfig tls;
  Millis connect_timeout{5000};
  Millis request_timeout{30000};
};

// The ChannelSchema reader (declares endpoint, tls, timeouts on the partner's reader). Returns
// nullptr when it reported errors.
ChannelOptionsConstSharedPtr readHttpsCouplingOptions(config::MapReader& r,
                                                      const std::string& base_dir);

// The coupling options of a partner (channel_options[adapter]), or null.
const HttpsCouplingOptions* couplingOptions(const PartnerConfig& partner);

// The HTTPS client's target for a partner's coupling; an error when its options are missing.
// state_dir: where the client keeps downloaded CRLs (the store file's directory).
Result<curl::HttpsTarget> couplingTarget(const PartnerConfig& partner,
                                         const std::string& state_dir = "");
// The hub's state directory (the directory of the store file).
std::string stateDir(const HubConfig& hub);

}  // namespace hub::adapters
