#include "hub/dsig/signer.h"

#include <libxml/tree.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <xmlsec/crypto.h>
#include <xmlsec/templates.h>
#include <xmlsec/transforms.h>
#include <xmlsec/xmltree.h>

#include "hub/core/error_codes.h"
#include "hub/dsig/c14n.h"
#include "hub/dsig/key_signer.h"
#include "hub/dsig/xmlsec_support.h"

namespace hub::dsig {
namespace {

using BioPtr = CPtr<BIO, BIO_free>;
using EvpKeyPtr = CPtr<EVP_PKEY, EVP_PKEY_free>;
using X509Ptr = CPtr<X509, X509_free>;

// Never prompt on a terminal for a pass phrase: encrypted keys are refused.
int noPassword(char*, int, int, void*) { return 0; }

struct KeyType {
  std::string algorithm;
  bool ecdsa = false;
};

Result<KeyType> classify(EVP_PKEY* pkey, const std::string& path) {
  const int bits = EVP_PKEY_get_bits(pkey);
  if (EVP_PKEY_get_base_id(pkey) == EVP_PKEY_RSA) {
    if (bits < 2048) {
      return unexpected(errc::kConfig,
                        path + ": RSA key of " + std::to_string(bits) + " bits (minimum 2048)");
    }
    return KeyType{"rsa-" + std::to_string(bits), false};
  }
  if (EVP_PKEY_get_base_id(pkey) == EVP_PKEY_EC) {
    char group[64] = {0};
    size_t len = 0;
    if (EVP_PKEY_get_group_name(pkey, group, sizeof group, &len) != 1 ||
        std::string(group) != "prime256v1") {
      return unexpected(errc::kConfig, path + ": EC key on curve '" + std::string(group) +
                                           "' (only P-256 is supported)");
    }
    return KeyType{"ecdsa-p256", true};
  }
  return unexpected(errc::kConfig, path + ": key type is neither RSA nor EC");
}

std::string derBase64(X509* cert) {
  unsigned char* der = nullptr;
  const int len = i2d_X509(cert, &der);
  if (len <= 0) return {};
  std::string out = base64(std::string_view(reinterpret_cast<const char*>(der), len));
  OPENSSL_free(der);
  return out;
}

// Line length of DigestValue and SignatureValue content, as xmlsec writes it.
constexpr size_t kBase64Line = 64;

bool isSignatureElement(const xmlNode* n) {
  return n->type == XML_ELEMENT_NODE &&
         xmlSecCheckNodeName(const_cast<xmlNode*>(n), xmlSecNodeSignature, xmlSecDSigNs);
}

}  // namespace

Result<std::shared_ptr<const Signer>> Signer::load(const std::string& key_pem,
                                                   const std::string& cert_pem) {
  if (auto mode = internal::checkKeyFileMode(key_pem); !mode) return unexpected(mode.error());
  auto key_text = internal::readFile(key_pem);
  if (!key_text) return unexpected(key_text.error());
  auto cert_text = internal::readFile(cert_pem);
  if (!cert_text) return unexpected(cert_text.error());

  BioPtr key_bio(BIO_new_mem_buf(key_text->data(), static_cast<int>(key_text->size())));
  EvpKeyPtr pkey(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, noPassword, nullptr));
  if (!pkey) {
    return unexpected(errc::kConfig, key_pem + ": not a PEM private key (or it is encrypted)");
  }
  BioPtr cert_bio(BIO_new_mem_buf(cert_text->data(), static_cast<int>(cert_text->size())));
  X509Ptr cert(PEM_read_bio_X509(cert_bio.get(), nullptr, noPassword, nullptr));
  if (!cert) return unexpected(errc::kConfig, cert_pem + ": not a PEM certificate");
  if (X509_check_private_key(cert.get(), pkey.get()) != 1) {
    return unexpected(errc::kConfig, cert_pem + ": certificate does not match key " + key_pem);
  }
  auto type = classify(pkey.get(), key_pem);
  if (!type) return unexpected(type.error());
  std::string cert_b64 = derBase64(cert.get());
  if (cert_b64.empty()) return unexpected(errc::kConfig, cert_pem + ": cannot encode");
  auto key_signer = KeySigner::create(pkey.release(), type->ecdsa);
  if (!key_signer) {
    return unexpected(errc::kConfig,
                      key_pem + ": cannot sign with it: " + key_signer.error().message);
  }
  return std::shared_ptr<const Signer>(
      new Signer(std::move(*key_signer), std::move(cert_b64), type->algorithm, type->ecdsa));
}

Signer::Signer(std::unique_ptr<KeySigner> keys, std::string cert_base64, std::string algorithm,
               bool ecdsa)
    : keys_(std::move(keys)),
      cert_base64_(std::move(cert_base64)),
      algorithm_(std::move(algorithm)),
      ecdsa_(ecdsa) {}

Signer::~Signer() = default;

Result<std::string> Signer::sign(xml::Document& doc) const {
  xmlDocPtr raw = doc.raw();
  xmlNodePtr root = raw != nullptr ? xmlDocGetRootElement(raw) : nullptr;
  if (root == nullptr) return unexpected(errc::kSigning, "document has no root element");
  for (const xmlNode* c = root->children; c != nullptr; c = c->next) {
    if (isSignatureElement(c)) return unexpected(errc::kSigning, "document is already signed");
  }
  // Reference URI="" with enveloped-signature + exc-c14n: the whole document without the
  // Signature element, i.e. the document as it is before the Signature is appended.
  auto referenced = exclusiveC14n(raw);
  if (!referenced) return unexpected(referenced.error());
  auto digest = keys_->sha256(*referenced);
  if (!digest) return unexpected(digest.error());

  internal::XmlSecErrorScope errors;
  xmlNodePtr sig = xmlSecTmplSignatureCreate(
      raw, xmlSecTransformExclC14NId,
      ecdsa_ ? xmlSecTransformEcdsaSha256Id : xmlSecTransformRsaSha256Id, nullptr);
  if (sig == nullptr) return unexpected(errc::kSigning, "template: " + errors.text());
  xmlAddChild(root, sig);  // the document owns it from here; removed again on failure
  auto fail = [&](const std::string& what) {
    xmlUnlinkNode(sig);
    xmlFreeNode(sig);
    return unexpected(errc::kSigning, what);
  };
  xmlNodePtr ref =
      xmlSecTmplSignatureAddReference(sig, xmlSecTransformSha256Id, nullptr, BAD_CAST "", nullptr);
  if (ref == nullptr ||
      xmlSecTmplReferenceAddTransform(ref, xmlSecTransformEnvelopedId) == nullptr ||
      xmlSecTmplReferenceAddTransform(ref, xmlSecTransformExclC14NId) == nullptr) {
    return fail("reference template: " + errors.text());
  }
  xmlNodePtr key_info = xmlSecTmplSignatureEnsureKeyInfo(sig, nullptr);
  xmlNodePtr x509 = key_info != nullptr ? xmlSecTmplKeyInfoAddX509Data(key_info) : nullptr;
  xmlNodePtr cert = x509 != nullptr ? xmlSecTmplX509DataAddCertificate(x509) : nullptr;
  if (cert == nullptr) return fail("KeyInfo template: " + errors.text());
  xmlNodeSetContent(cert, BAD_CAST cert_base64_.c_str());

  xmlNodePtr digest_value = xmlSecFindChild(ref, xmlSecNodeDigestValue, xmlSecDSigNs);
  xmlNodePtr signed_info = xmlSecFindChild(sig, xmlSecNodeSignedInfo, xmlSecDSigNs);
  xmlNodePtr signature_value = xmlSecFindChild(sig, xmlSecNodeSignatureValue, xmlSecDSigNs);
  if (digest_value == nullptr || signed_info == nullptr || signature_value == nullptr) {
    return fail("signature template is incomplete");
  }
  xmlNodeSetContent(digest_value, BAD_CAST base64(*digest, kBase64Line).c_str());
  auto signed_info_c14n = exclusiveC14nSubtree(raw, signed_info);
  if (!signed_info_c14n) return fail(signed_info_c14n.error().message);
  auto value = keys_->signSha256(*signed_info_c14n);
  if (!value) return fail(value.error().message);
  xmlNodeSetContent(signature_value, BAD_CAST base64(*value, kBase64Line).c_str());
  return doc.serialize();
}

}  // namespace hub::dsig
