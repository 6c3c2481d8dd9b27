#pragma once
// Verifier: checks a signed product the way a partner would (`ketenhub verify`).
// The keys manager holding the trusted CA certificates is the only shared xmlsec object; each
// verify() call has its own document and signature context. Thread-safe.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hub/core/result.h"

struct _xmlSecKeysMngr;

namespace hub::dsig {

struct VerifyInfo {
  std::string subject;  // signer certificate subject, RFC 2253
  std::string oin;      // subject serialNumber (the OIN), "" when absent
};

class Verifier {
 public:
  // Each entry is either PEM text ("-----BEGIN CERTIFICATE-----...", bundles allowed) or the path
  // of a PEM file. errc::kConfig when none can be loaded. Requires a DsigRuntime.
  static Result<std::shared_ptr<const Verifier>> create(
      const std::vector<std::string>& trusted_ca_pems);

  // Parses as untrusted XML; exactly one ds:Signature child of the root; the certificate in
  // KeyInfo must chain to a trusted CA; then status succeeded AND exactly one Reference with
  // URI="" AND its transforms exactly enveloped-signature + exclusive c14n AND digest SHA-256,
  // SignedInfo canonicalised with exclusive c14n, signed with rsa-sha256 or ecdsa-sha256.
  // errc::kVerify with the precise reason otherwise.
  Result<VerifyInfo> verify(std::string_view signed_xml) const;

  struct MngrFree {
    void operator()(_xmlSecKeysMngr* m) const;
  };

 private:
  explicit Verifier(_xmlSecKeysMngr* mngr) : mngr_(mngr) {}
  std::unique_ptr<_xmlSecKeysMngr, MngrFree> mngr_;
};

}  // namespace hub::dsig
