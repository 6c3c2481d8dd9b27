#include "hub/tls/certificate.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <vector>

#include "hub/core/c_ptr.h"
#include "hub/core/error_codes.h"
#include "hub/tls/openssl_error.h"

namespace hub::tls {
namespace {

using BioPtr = CPtr<BIO, BIO_free_all>;
using X509Ptr = CPtr<X509, X509_free>;

Result<X509Ptr> loadFirstCert(BIO* bio, const std::string& what) {
  X509Ptr cert(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr));
  if (!cert) return unexpected(errc::kTls, detail::opensslError("no certificate in " + what));
  ERR_clear_error();
  return cert;
}

Result<X509Ptr> loadFirstCertFile(const std::string& path) {
  BioPtr bio(BIO_new_file(path.c_str(), "r"));
  if (!bio) {
    ERR_clear_error();
    return unexpected(errc::kIo, "cannot read " + path + ": " + std::strerror(errno));
  }
  return loadFirstCert(bio.get(), path);
}

std::string asn1Utf8(const ASN1_STRING* s) {
  unsigned char* out = nullptr;
  int n = ASN1_STRING_to_UTF8(&out, s);
  if (n < 0) return {};
  std::string r(reinterpret_cast<char*>(out), static_cast<size_t>(n));
  OPENSSL_free(out);
  return r;
}

std::string subjectLine(const X509_NAME* name, std::string* oin) {
  std::string line;
  for (int i = 0; i < X509_NAME_entry_count(name); ++i) {
    const X509_NAME_ENTRY* e = X509_NAME_get_entry(name, i);
    int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(e));
    std::string value = asn1Utf8(X509_NAME_ENTRY_get_data(e));
    const char* sn = nid == NID_undef ? nullptr : OBJ_nid2sn(nid);
    if (!line.empty()) line += ", ";
    line += sn ? sn : "?";
    line += '=';
    line += value;
    if (nid == NID_serialNumber && oin->empty()) *oin = value;
  }
  return line;
}

std::string keyTypeName(int base_id) {
  switch (base_id) {
    case EVP_PKEY_RSA:
    case EVP_PKEY_RSA_PSS:
      return "rsa";
    case EVP_PKEY_EC:
      return "ec";
    case EVP_PKEY_ED25519:
      return "ed25519";
    case EVP_PKEY_ED448:
      return "ed448";
    default:
      return "other";
  }
}

}  // namespace

Result<CertificateInfo> certificateInfo(const x509_st* cert) {
  if (cert == nullptr) return unexpected(errc::kTls, "no certificate");
  CertificateInfo info;
  info.subject = subjectLine(X509_get_subject_name(cert), &info.oin);

  std::tm tm{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) != 1) {
    return unexpected(errc::kTls, detail::opensslError("bad notAfter in " + info.subject));
  }
  info.not_after_unix = static_cast<int64_t>(timegm(&tm));

  const EVP_PKEY* key = X509_get0_pubkey(cert);
  if (key == nullptr) {
    return unexpected(errc::kTls, detail::opensslError("unreadable public key in " + info.subject));
  }
  info.key_type = keyTypeName(EVP_PKEY_get_base_id(key));
  info.key_bits = EVP_PKEY_get_bits(key);

  int sig_nid = X509_get_signature_nid(cert);
  const char* ln = OBJ_nid2ln(sig_nid);
  info.signature_algorithm = ln ? ln : "unknown";
  int md_nid = NID_undef;
  int pk_nid = NID_undef;
  if (OBJ_find_sigid_algs(sig_nid, &md_nid, &pk_nid) == 1) {
    info.sha1_signed = md_nid == NID_sha1;
  }
  return info;
}

Result<CertificateInfo> readCertificatePem(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return unexpected(errc::kTls, detail::opensslError("out of memory"));
  auto cert = loadFirstCert(bio.get(), "PEM text");
  if (!cert) return unexpected(cert.error());
  return certificateInfo(cert->get());
}

Result<CertificateInfo> readCertificate(const std::string& pem_path) {
  auto cert = loadFirstCertFile(pem_path);
  if (!cert) return unexpected(cert.error());
  return certificateInfo(cert->get());
}

Result<CertificateInfo> peerCertificateInfo(const ssl_st* ssl) {
  if (ssl == nullptr) return unexpected(errc::kTls, "no TLS connection");
  const X509* peer = SSL_get0_peer_certificate(ssl);
  if (peer == nullptr) return unexpected(errc::kTls, "peer sent no certificate");
  return certificateInfo(peer);
}

Result<std::string> spkiSha256Base64(const std::string& pem_path) {
  auto cert = loadFirstCertFile(pem_path);
  if (!cert) return unexpected(cert.error());
  int len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert->get()), nullptr);
  if (len <= 0) return unexpected(errc::kTls, detail::opensslError("cannot encode SPKI"));
  std::vector<unsigned char> der(static_cast<size_t>(len));
  unsigned char* p = der.data();
  i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert->get()), &p);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(der.data(), der.size(), digest);
  unsigned char b64[4 * ((SHA256_DIGEST_LENGTH + 2) / 3) + 1];
  int n = EVP_EncodeBlock(b64, digest, SHA256_DIGEST_LENGTH);
  return std::string(reinterpret_cast<char*>(b64), static_cast<size_t>(n));
}

Result<void> checkKeyFilePrivate(const std::string& key_path) {
  struct stat st {};
  if (::stat(key_path.c_str(), &st) != 0) {
    return unexpected(errc::kIo, "cannot stat key file " + key_path + ": " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) {
    return unexpected(errc::kConfig, "key file " + key_path + " is not a regular file");
  }
  unsigned mode = static_cast<unsigned>(st.st_mode) & 07777u;
  if ((mode & 077u) != 0) {
    char octal[8];
    std::snprintf(octal, sizeof octal, "%04o", mode);
    return unexpected(errc::kConfig, "key file " + key_path + " has mode " + octal +
                                         ": group or others may access it (chmod 600 " + key_path +
                                         ")");
  }
  return {};
}

}  // namespace hub::tls
