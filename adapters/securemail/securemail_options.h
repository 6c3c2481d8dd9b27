#pragma once
// Options of the secure-mail fallback channel, read by the channel's own schema:
//
// hub.yaml                                  routes/partners.yaml, per partner
//   channels:                                 partners:
//     securemail:                               om:
//       url: smtp://relay.example.nl:587          securemail:
//       from: ketenhub@gemeente.example.nl          address: zorg@om.example.nl
//       user: ketenhub                              products:            # optional
//       password_file: secrets/smtp.pass              verzoek-x: {address: x@om.example.nl}
//       tls:
//         profile: ncsc-sufficient   # or ncsc-good
//         ca: [pki/relay-ca.pem]
//         client_certificate: pki/hub-client.crt   # optional, with client_key
//         client_key: pki/hub-client.key
//       timeouts: {connect: 10s, request: 60s}
//
// (`deadline`, `retry` and `concurrency` of the same block are read by the loader.) Paths are
// resolved against the directory of the file. Readers report every error positionally and
// return nullptr when they reported any; they never call finish() on the reader they get.
#include <map>
#include <memory>
#include <string>

#include "hub/config/config.h"
#include "hub/config/yaml_reader.h"

namespace hub::securemail {

struct SecureMailHubOptions : ChannelOptions {
  std::string url;   // smtp://host[:port] (STARTTLS required) or smtps://host[:port]
  std::string from;  // envelope MAIL FROM and the From header
  std::string user;  // empty: no AUTH
  std::string password_file;
  TlsConfig tls;  // profile, ca_files, client_cert, client_key
  Millis connect_timeout{10000};
  Millis request_timeout{60000};
};

struct SecureMailPartnerOptions : ChannelOptions {
  std::string address;                          // default recipient
  std::map<std::string, std::string> products;  // product -> recipient, overrides address
  // The recipient for a product: its own address, else the default.
  const std::string& recipientFor(const std::string& product) const {
    auto it = products.find(product);
    return it != products.end() ? it->second : address;
  }
};

ChannelOptionsConstSharedPtr readSecureMailHubOptions(config::MapReader& r,
                                                      const std::string& base_dir);
ChannelOptionsConstSharedPtr readSecureMailPartnerOptions(config::MapReader& r,
                                                          const std::string& base_dir);

}  // namespace hub::securemail
