#pragma once
// Signer: enveloped XML-DSig with the hub's key, loaded once and shared by all worker
// threads. xmlsec's templates build the ds:Signature element; the digest and the signature value
// are computed here with libxml2's exclusive C14N and OpenSSL (KeySigner), because xmlsec's
// per-signature machinery (transform chain, node-set C14N, key re-inspection, a fresh
// EVP_PKEY_CTX) cost ~30 % on top of the RSA operation itself. The result is byte-identical to
// xmlSecDSigCtxSign's for RSA (tests/unit/dsig: signer_equivalence_test) and verifies with xmlsec
// (our Verifier, the xmlsec1 CLI).
//
// The signature: ds:Signature appended as the last child of the root element, Reference URI="",
// transforms enveloped-signature + exclusive c14n, CanonicalizationMethod exclusive c14n,
// DigestMethod SHA-256, SignatureMethod rsa-sha256 or ecdsa-sha256 (by key type),
// KeyInfo/X509Data/X509Certificate with the signing certificate.
#include <memory>
#include <string>

#include "hub/core/result.h"
#include "hub/xml/document.h"

namespace hub::dsig {

class KeySigner;

class Signer {
 public:
  // key_pem, cert_pem: paths of PEM files. errc::kConfig when the key file is readable by group
  // or others (names file and mode), cannot be read, is encrypted, is not RSA >= 2048 or ECDSA
  // P-256, or does not match the certificate. Requires a DsigRuntime.
  static Result<std::shared_ptr<const Signer>> load(const std::string& key_pem,
                                                    const std::string& cert_pem);

  // Signs `doc` in place and returns the serialized signed document. errc::kSigning on failure
  // (the document is then left unsigned). Thread-safe.
  Result<std::string> sign(xml::Document& doc) const;

  // "rsa-2048", "rsa-3072", "rsa-4096", "ecdsa-p256".
  std::string keyAlgorithm() const { return algorithm_; }

  ~Signer();

 private:
  Signer(std::unique_ptr<KeySigner> keys, std::string cert_base64, std::string algorithm,
         bool ecdsa);

  std::unique_ptr<KeySigner> keys_;
  std::string cert_base64_;  // DER of the certificate, base64 (X509Certificate)
  std::string algorithm_;
  bool ecdsa_;
};

}  // namespace hub::dsig
