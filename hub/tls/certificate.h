#pragma once
// X.509 facts the hub checks: subject and OIN, expiry, key strength, SHA-1, SPKI pin,
// and the private-key file mode rule.
#include <cstdint>
#include <string>
#include <string_view>

#include "hub/core/result.h"

struct x509_st;  // OpenSSL X509
struct ssl_st;   // OpenSSL SSL

namespace hub::tls {

struct CertificateInfo {
  std::string subject;  // "CN=..., O=..., serialNumber=..." in certificate order
  std::string oin;      // subject serialNumber ("" if absent)
  int64_t not_after_unix = 0;
  std::string key_type;  // "rsa" | "ec" | "ed25519" | "ed448" | "other"
  int key_bits = 0;
  std::string signature_algorithm;  // e.g. "sha256WithRSAEncryption", "ecdsa-with-SHA256"
  bool sha1_signed = false;
};

// The first certificate in a PEM file.
Result<CertificateInfo> readCertificate(const std::string& pem_path);
// The first certificate in PEM text.
Result<CertificateInfo> readCertificatePem(std::string_view pem);
// Facts of an already parsed certificate (not owned).
Result<CertificateInfo> certificateInfo(const x509_st* cert);
// The verified peer certificate of a TLS connection after the handshake (not owned).
Result<CertificateInfo> peerCertificateInfo(const ssl_st* ssl);

// base64(SHA-256(DER SubjectPublicKeyInfo)) of the first certificate: curl's "sha256//" pin.
Result<std::string> spkiSha256Base64(const std::string& pem_path);

// Refuses a key file that group or others may access; the message names file and mode.
Result<void> checkKeyFilePrivate(const std::string& key_path);

}  // namespace hub::tls
