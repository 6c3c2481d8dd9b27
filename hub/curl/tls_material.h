#pragma once
// What a libcurl client reads from disk once, at creation (the factory validates once; requests
// never re-read files): the trust anchors as one PEM bundle, the optional client certificate and
// key. Shared by the partner HTTPS client and the SMTP client.
#include <curl/curl.h>

#include <string>
#include <vector>

#include "hub/config/config.h"
#include "hub/core/result.h"

namespace hub::curl {

struct TlsMaterial {
  std::string ca_bundle;        // every trust anchor file, concatenated PEM
  std::string client_cert_pem;  // empty: no client certificate
  std::string client_key_pem;
};

// The configuration keys as the caller's users know them, for error messages.
struct TlsKeyNames {
  const char* ca;           // e.g. "tls.ca"
  const char* client_cert;  // e.g. "tls.client_certificate"
  const char* client_key;   // e.g. "tls.client_key"
};

// Every problem is appended to errors (one line each, naming the key). key_must_be_private:
// refuse a client key file that group or others may access.
TlsMaterial readTlsMaterial(const TlsConfig& tls, const TlsKeyNames& names,
                            bool key_must_be_private, std::vector<std::string>& errors);

// A whole (small) file; the error names the path.
Result<std::string> readWholeFile(const std::string& path);

// One part of a parsed URL, or "" when absent.
std::string urlPart(CURLU* url, CURLUPart part);

}  // namespace hub::curl
