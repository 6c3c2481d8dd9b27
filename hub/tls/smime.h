#pragma once
// S/MIME signing (RFC 8551) for the secure-mail fallback channel: a detached CMS SignedData over a
// MIME entity, SHA-256, CAdES-BES signed attributes (contentType, messageDigest, signingTime,
// signingCertificateV2), wrapped as multipart/signed by OpenSSL's SMIME_write_CMS.
//
// Made once from the hub's signing key and certificate (the same pair as XML-DSig); the key file
// must not be accessible by group or others. sign() is const and safe to call from any number of
// threads at once (the key and certificates are only read; every CMS object is per call).
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "hub/core/result.h"

namespace hub::tls {

class SmimeSigner {
 public:
  // cert_path: PEM, the signing certificate first, then any intermediates (added to the CMS).
  static Result<std::unique_ptr<SmimeSigner>> create(const std::string& key_path,
                                                     const std::string& cert_path);
  ~SmimeSigner();
  SmimeSigner(const SmimeSigner&) = delete;
  SmimeSigner& operator=(const SmimeSigner&) = delete;

  // entity: one complete MIME entity (header fields, empty line, body) with CRLF line endings
  // only (a bare CR or LF is refused: the signed bytes must be exactly the bytes transmitted).
  // Returns the complete multipart/signed entity, CRLF line endings throughout:
  //   MIME-Version: 1.0
  //   Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg="sha-256";
  //     boundary="----<random>"
  //   <preamble>, the entity byte for byte, the application/pkcs7-signature part (base64 DER).
  // signing_time_ms (Unix milliseconds) becomes the signingTime attribute (whole seconds).
  Result<std::string> sign(std::string_view entity, int64_t signing_time_ms) const;

  // Subject of the signing certificate, for start-up logs.
  const std::string& subject() const;

  struct Keys;  // the parsed key and certificates (defined in the .cc)

 private:
  explicit SmimeSigner(std::unique_ptr<Keys> keys);
  std::unique_ptr<Keys> keys_;
};

}  // namespace hub::tls
