#include "hub/dsig/verifier.h"

#include <libxml/tree.h>
#include <openssl/bio.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <xmlsec/app.h>
#include <xmlsec/crypto.h>
#include <xmlsec/errors.h>
#include <xmlsec/openssl/x509.h>
#include <xmlsec/transforms.h>
#include <xmlsec/xmltree.h>

#include "hub/core/error_codes.h"
#include "hub/dsig/xmlsec_support.h"
#include "hub/xml/document.h"

namespace hub::dsig {
namespace {

using BioPtr = CPtr<BIO, BIO_free>;

Unexpected<Error> verifyError(const std::string& why) { return unexpected(errc::kVerify, why); }

std::string subjectOf(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert), 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return len > 0 ? std::string(data, static_cast<size_t>(len)) : std::string();
}

std::string oinOf(X509* cert) {
  X509_NAME* name = X509_get_subject_name(cert);
  const int idx = X509_NAME_get_index_by_NID(name, NID_serialNumber, -1);
  if (idx < 0) return {};
  const ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<size_t>(ASN1_STRING_length(s)));
}

std::string transformName(const xmlSecTransform* t) {
  return t != nullptr && t->id != nullptr && t->id->href != nullptr
             ? reinterpret_cast<const char*>(t->id->href)
             : "(none)";
}

// The reference rules after a successful xmlSecDSigCtxVerify (xmlsec examples verify3.c/verify4.c).
Result<void> checkShape(xmlSecDSigCtx& ctx) {
  if (ctx.c14nMethod == nullptr || ctx.c14nMethod->id != xmlSecTransformExclC14NId) {
    return verifyError("CanonicalizationMethod is not exclusive c14n: " +
                       transformName(ctx.c14nMethod));
  }
  if (ctx.signMethod == nullptr || (ctx.signMethod->id != xmlSecTransformRsaSha256Id &&
                                    ctx.signMethod->id != xmlSecTransformEcdsaSha256Id)) {
    return verifyError("SignatureMethod is not rsa-sha256 or ecdsa-sha256: " +
                       transformName(ctx.signMethod));
  }
  const xmlSecSize refs = xmlSecPtrListGetSize(&ctx.signedInfoReferences);
  if (refs != 1) {
    return verifyError("expected exactly one Reference, found " + std::to_string(refs));
  }
  auto* ref =
      static_cast<xmlSecDSigReferenceCtx*>(xmlSecPtrListGetItem(&ctx.signedInfoReferences, 0));
  if (ref == nullptr || ref->uri == nullptr || ref->uri[0] != '\0') {
    return verifyError("the Reference must have URI=\"\" (the whole document)");
  }
  if (ref->status != xmlSecDSigStatusSucceeded) return verifyError("Reference digest mismatch");
  if (ref->digestMethod == nullptr || ref->digestMethod->id != xmlSecTransformSha256Id) {
    return verifyError("DigestMethod is not SHA-256: " + transformName(ref->digestMethod));
  }
  // The declared transforms, in order, skipping the digest itself and internal conversions.
  std::vector<xmlSecTransformId> seen;
  for (xmlSecTransformPtr t = ref->transformCtx.first; t != nullptr; t = t->next) {
    if (t == ref->digestMethod || t->id == nullptr || t->id->href == nullptr) continue;
    seen.push_back(t->id);
  }
  if (seen.size() != 2 || seen[0] != xmlSecTransformEnvelopedId ||
      seen[1] != xmlSecTransformExclC14NId) {
    std::string names;
    for (xmlSecTransformPtr t = ref->transformCtx.first; t != nullptr; t = t->next) {
      if (t != ref->digestMethod) names += (names.empty() ? "" : ", ") + transformName(t);
    }
    return verifyError(
        "Reference transforms must be exactly enveloped-signature, exclusive "
        "c14n; found: " +
        names);
  }
  return {};
}

}  // namespace

void Verifier::MngrFree::operator()(_xmlSecKeysMngr* m) const { xmlSecKeysMngrDestroy(m); }

Result<std::shared_ptr<const Verifier>> Verifier::create(
    const std::vector<std::string>& trusted_ca_pems) {
  internal::XmlSecErrorScope errors;
  internal::KeysMngrPtr mngr(xmlSecKeysMngrCreate());
  if (!mngr || xmlSecCryptoAppDefaultKeysMngrInit(mngr.get()) < 0) {
    return unexpected(errc::kConfig, "cannot create the xmlsec keys manager: " + errors.text());
  }
  size_t loaded = 0;
  for (const std::string& entry : trusted_ca_pems) {
    const bool is_pem = entry.find("-----BEGIN") != std::string::npos;
    const std::string name = is_pem ? "trusted CA PEM text" : entry;
    std::string text = entry;
    if (!is_pem) {
      auto file = internal::readFile(entry);
      if (!file) return unexpected(file.error());
      text = std::move(*file);
    }
    const std::vector<std::string> blocks = internal::certificateBlocks(text);
    if (blocks.empty()) return unexpected(errc::kConfig, name + ": no PEM certificate in it");
    for (const std::string& block : blocks) {
      if (xmlSecCryptoAppKeysMngrCertLoadMemory(
              mngr.get(), reinterpret_cast<const xmlSecByte*>(block.data()),
              static_cast<xmlSecSize>(block.size()), xmlSecKeyDataFormatPem,
              xmlSecKeyDataTypeTrusted) < 0) {
        return unexpected(errc::kConfig, name + ": cannot load certificate: " + errors.text());
      }
      ++loaded;
    }
  }
  if (loaded == 0) return unexpected(errc::kConfig, "no trusted CA certificate given");
  return std::shared_ptr<const Verifier>(new Verifier(mngr.release()));
}

Result<VerifyInfo> Verifier::verify(std::string_view signed_xml) const {
  auto doc = xml::Document::parseUntrusted(signed_xml);
  if (!doc)
    return verifyError("not acceptable XML (" + doc.error().code + "): " + doc.error().message);
  xmlNodePtr root = xmlDocGetRootElement(doc->raw());
  xmlNodePtr sig = nullptr;
  int signatures = 0;
  for (xmlNodePtr c = root->children; c != nullptr; c = c->next) {
    if (c->type == XML_ELEMENT_NODE && xmlSecCheckNodeName(c, xmlSecNodeSignature, xmlSecDSigNs)) {
      sig = c;
      ++signatures;
    }
  }
  if (signatures != 1) {
    return verifyError("expected exactly one ds:Signature child of the root element, found " +
                       std::to_string(signatures));
  }
  internal::XmlSecErrorScope errors;
  internal::DSigCtxPtr ctx(xmlSecDSigCtxCreate(mngr_.get()));
  if (!ctx) return verifyError("cannot create signature context: " + errors.text());
  ctx->enabledReferenceUris = xmlSecTransformUriTypeEmpty;
  if (xmlSecDSigCtxEnableSignatureTransform(ctx.get(), xmlSecTransformExclC14NId) < 0 ||
      xmlSecDSigCtxEnableSignatureTransform(ctx.get(), xmlSecTransformRsaSha256Id) < 0 ||
      xmlSecDSigCtxEnableSignatureTransform(ctx.get(), xmlSecTransformEcdsaSha256Id) < 0 ||
      xmlSecDSigCtxEnableReferenceTransform(ctx.get(), xmlSecTransformEnvelopedId) < 0 ||
      xmlSecDSigCtxEnableReferenceTransform(ctx.get(), xmlSecTransformExclC14NId) < 0 ||
      xmlSecDSigCtxEnableReferenceTransform(ctx.get(), xmlSecTransformSha256Id) < 0 ||
      xmlSecPtrListAdd(&ctx->keyInfoReadCtx.enabledKeyData, BAD_CAST xmlSecKeyDataX509Id) < 0) {
    return verifyError("cannot restrict the signature context: " + errors.text());
  }
  if (xmlSecDSigCtxVerify(ctx.get(), sig) < 0) {
    if (std::string r = errors.reportFor(XMLSEC_ERRORS_R_TRANSFORM_DISABLED); !r.empty()) {
      return verifyError(
          "algorithm not allowed (only exclusive c14n, enveloped-signature, "
          "SHA-256, rsa-sha256, ecdsa-sha256): " +
          r);
    }
    for (int reason : {XMLSEC_ERRORS_R_CERT_VERIFY_FAILED, XMLSEC_ERRORS_R_CERT_NOT_FOUND,
                       XMLSEC_ERRORS_R_CERT_HAS_EXPIRED, XMLSEC_ERRORS_R_CERT_NOT_YET_VALID,
                       XMLSEC_ERRORS_R_KEY_NOT_FOUND}) {
      if (std::string r = errors.reportFor(reason); !r.empty()) {
        return verifyError(
            "no trusted signing certificate (KeyInfo must carry an X.509 "
            "certificate issued by a trusted CA): " +
            r);
      }
    }
    return verifyError("signature could not be processed: " + errors.text());
  }
  if (ctx->status != xmlSecDSigStatusSucceeded) {
    return verifyError(
        "signature is invalid: digest or signature value does not match "
        "(document altered after signing?)");
  }
  if (auto shape = checkShape(*ctx); !shape) return unexpected(shape.error());
  xmlSecKeyDataPtr x509 = xmlSecKeyGetData(ctx->signKey, xmlSecOpenSSLKeyDataX509Id);
  X509* cert = x509 != nullptr ? xmlSecOpenSSLKeyDataX509GetKeyCert(x509) : nullptr;
  if (cert == nullptr) return verifyError("signing key has no verified X.509 certificate");
  return VerifyInfo{subjectOf(cert), oinOf(cert)};
}

}  // namespace hub::dsig
