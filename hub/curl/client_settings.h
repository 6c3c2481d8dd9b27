#pragma once
// The validated, immutable settings of one HTTPS client (a partner's coupling, the print
// service), made once from its HttpsTarget (the factory validates once; requests never re-read
// files).
#include <cstdint>
#include <string>
#include <vector>

#include "hub/config/config.h"
#include "hub/core/result.h"

namespace hub::curl {

// What an HTTPS client needs of its target. Filled by the channel that owns the options (the
// partner couplings rest-xml and digikoppeling-wus, the print service).
struct HttpsTarget {
  std::string code;      // partner code (or "print"), for messages
  std::string endpoint;  // https URL
  TlsConfig tls;
  int concurrency = 4;  // requests in flight at once (easy handles)
  Millis connect_timeout{5000};
  Millis request_timeout{30000};
  std::string state_dir;  // downloaded CRLs go to <state_dir>/crl-cache ("" = not kept on disk)
};

struct ClientSettings {
  std::string partner;          // partner code, for messages
  std::string url;              // https only
  std::string ca_bundle;        // every trust anchor file, concatenated PEM
  std::string client_cert_pem;  // empty: no client certificate
  std::string client_key_pem;
  std::string pinned_public_keys;  // "sha256//a;sha256//b" or empty
  size_t pin_count = 0;
  std::string profile;           // TLS profile name (hub/tls/tls_profile.h)
  std::string expected_oin;      // empty: no check
  std::vector<std::string> crl;  // CRL files and URLs (tls.crl); empty: no revocation check
  int64_t crl_refresh_seconds = 4 * 3600;
  bool crl_whole_chain = false;
  std::string crl_cache_dir;
  long connect_timeout_ms = 0;
  long request_timeout_ms = 0;
  int concurrency = 1;
};

// Every problem is reported at once, one per line, each naming the partner and the key.
Result<ClientSettings> makeClientSettings(const HttpsTarget& cfg);

// "sha256//<base64>" from "<base64>" or "sha256//<base64>" (44 base64 characters of a SHA-256).
Result<std::string> normalizePin(const std::string& pin);

}  // namespace hub::curl
