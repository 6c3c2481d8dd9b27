#pragma once
// Options of the print fallback channel, read by the channel's own schema.
//
// hub.yaml, `engine.channels.print` (the loader reads deadline, retry and concurrency from the
// same mapping):
//
//   print:
//     spool_dir: /var/spool/ketenhub/letters   # EITHER a spool directory (relative to hub.yaml)
//     # url: https://print.example.nl/letters  # OR a print service, with mutual TLS:
//     # tls: {profile: ncsc-good, ca: [pki/ca.crt], client_certificate: pki/hub-client.crt,
//     #       client_key: pki/hub-client.key, pins: [...], expected_oin: "..."}
//     # timeouts: {connect: 5s, request: 60s}
//     return_address: "Retouradres: Postbus 1234, 3500 AA Utrecht"   # one line, required
//     sender: [Ketenhub verplichte ggz regio Utrecht, Postbus 1234, 3500 AA Utrecht]  # required
//     place: Utrecht                              # optional, before the date ("Utrecht, 22 ...")
//
// routes/partners.yaml, per partner:
//
//   print:
//     address: [Openbaar Ministerie, Parket Midden-Nederland, Postbus 850, 3500 AW Utrecht]
//
// An address has 2..6 lines of at most 50 characters (the envelope window is 85 x 30 mm); no text
// holds control characters.
#include <string>
#include <vector>

#include "hub/config/config.h"
#include "hub/config/yaml_reader.h"

namespace hub::adapters::print {

inline constexpr size_t kMaxAddressLines = 6;
inline constexpr size_t kMinAddressLines = 2;
inline constexpr size_t kMaxAddressLineChars = 50;

struct PrintHubOptions : ChannelOptions {
  std::string spool_dir;  // absolute; empty in URL mode
  std::string url;        // https; empty in spool mode
  TlsConfig tls;          // URL mode only
  Millis connect_timeout{5000};
  Millis request_timeout{60000};
  std::string return_address;
  std::vector<std::string> sender;
  std::string place;

  bool spoolMode() const { return !spool_dir.empty(); }
};

struct PrintPartnerOptions : ChannelOptions {
  std::vector<std::string> address;
};

// The ChannelSchema readers (hub/config/channel_schema.h). nullptr when errors were reported.
ChannelOptionsConstSharedPtr readPrintHubOptions(config::MapReader& r, const std::string& base_dir);
ChannelOptionsConstSharedPtr readPrintPartnerOptions(config::MapReader& r,
                                                     const std::string& base_dir);

// True when text holds a C0/C1 control character or DEL (or is not valid UTF-8).
bool hasControlChars(const std::string& text);
// Number of UTF-8 code points.
size_t utf8Length(const std::string& text);

}  // namespace hub::adapters::print
