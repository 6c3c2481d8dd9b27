// serverSslContext and clientSslContext reach the very SSL_CTX that Proton's TLS options hold (it
// carries the certificate and verify mode given to Proton), and the profile applied to it sticks.
#include "adapters/amqp/proton_ssl_domain.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "hub/tls/tls_profile.h"

namespace hub::amqp {
namespace {

// A self-signed ECDSA certificate and key in a temporary directory, removed afterwards.
class CertDir {
 public:
  CertDir() {
    char tmpl[] = "/tmp/ketenhub-proton-ssl.XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) std::abort();
    dir_ = tmpl;
    const std::string cmd =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
        "-subj /CN=localhost -days 1 -keyout " +
        key() + " -out " + cert() + " 2>/dev/null";
    ok_ = std::system(cmd.c_str()) == 0;
  }
  ~CertDir() { std::filesystem::remove_all(dir_); }
  CertDir(const CertDir&) = delete;
  CertDir& operator=(const CertDir&) = delete;
  bool ok() const { return ok_; }
  std::string cert() const { return dir_ + "/server.crt"; }
  std::string key() const { return dir_ + "/server.key"; }

 private:
  std::string dir_;
  bool ok_ = false;
};

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};

std::unique_ptr<X509, X509Free> readCert(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) return nullptr;
  std::unique_ptr<X509, X509Free> x(PEM_read_X509(f, nullptr, nullptr, nullptr));
  std::fclose(f);
  return x;
}

TEST(ProtonSslDomain, ReachesTheContextHoldingTheServerCertificate) {
  CertDir certs;
  ASSERT_TRUE(certs.ok());
  proton::ssl_server_options opts(proton::ssl_certificate(certs.cert(), certs.key()));
  auto ctx = serverSslContext(opts);
  ASSERT_TRUE(ctx) << ctx.error().message;
  auto expected = readCert(certs.cert());
  ASSERT_TRUE(expected);
  X509* loaded = SSL_CTX_get0_certificate(*ctx);
  ASSERT_NE(loaded, nullptr);
  EXPECT_EQ(X509_cmp(loaded, expected.get()), 0);
  EXPECT_EQ(SSL_CTX_get_verify_mode(*ctx), SSL_VERIFY_NONE);

  // Copies share the context (Proton hands copies to the container).
  proton::ssl_server_options copy = opts;
  auto same = serverSslContext(copy);
  ASSERT_TRUE(same);
  EXPECT_EQ(*same, *ctx);
}

TEST(ProtonSslDomain, ClientCertificateOptionsToo) {
  CertDir certs;
  ASSERT_TRUE(certs.ok());
  proton::ssl_server_options opts(proton::ssl_certificate(certs.cert(), certs.key()), certs.cert(),
                                  certs.cert(), proton::ssl::VERIFY_PEER);
  auto ctx = serverSslContext(opts);
  ASSERT_TRUE(ctx) << ctx.error().message;
  EXPECT_NE(SSL_CTX_get_verify_mode(*ctx) & SSL_VERIFY_FAIL_IF_NO_PEER_CERT, 0);
}

TEST(ProtonSslDomain, ProfileStaysOnTheContext) {
  CertDir certs;
  ASSERT_TRUE(certs.ok());
  proton::ssl_server_options opts(proton::ssl_certificate(certs.cert(), certs.key()));
  auto ctx = serverSslContext(opts);
  ASSERT_TRUE(ctx);
  ASSERT_TRUE(tls::applyProfile(*ctx, "ncsc-sufficient", tls::Role::kServer));
  EXPECT_EQ(SSL_CTX_get_min_proto_version(*ctx), TLS1_2_VERSION);
  STACK_OF(SSL_CIPHER)* ciphers = SSL_CTX_get_ciphers(*ctx);
  ASSERT_NE(ciphers, nullptr);
  int tls12 = 0;
  for (int i = 0; i < sk_SSL_CIPHER_num(ciphers); ++i) {
    const SSL_CIPHER* c = sk_SSL_CIPHER_value(ciphers, i);
    const std::string version = SSL_CIPHER_get_version(c);
    EXPECT_TRUE(tls::negotiatedWithin("ncsc-sufficient", version, SSL_CIPHER_get_name(c)))
        << version << " " << SSL_CIPHER_get_name(c);
    if (version == "TLSv1.2") ++tls12;
  }
  EXPECT_EQ(tls12, 6);
}

TEST(ProtonSslDomain, OptionsWithoutTlsAreAnError) {
  auto ctx = serverSslContext(proton::ssl_server_options());
  ASSERT_FALSE(ctx);
  EXPECT_NE(ctx.error().message.find("without TLS"), std::string::npos);
  // Proton's default client options make their context only when connecting.
  EXPECT_FALSE(clientSslContext(proton::ssl_client_options()));
}

// The hub's AMQP clients (connect-mode intake, the publisher): every way they build options.
TEST(ProtonSslDomain, ReachesTheClientContextAndTheProfileSticks) {
  CertDir certs;
  ASSERT_TRUE(certs.ok());
  const proton::ssl_client_options variants[] = {
      proton::ssl_client_options(X509_get_default_cert_file()),
      proton::ssl_client_options(certs.cert()),
      proton::ssl_client_options(proton::ssl_certificate(certs.cert(), certs.key()), certs.cert()),
  };
  for (const auto& opts : variants) {
    auto ctx = clientSslContext(opts);
    ASSERT_TRUE(ctx) << ctx.error().message;
    ASSERT_TRUE(tls::applyProfile(*ctx, "ncsc-sufficient", tls::Role::kClient));
    proton::ssl_client_options copy = opts;
    auto same = clientSslContext(copy);
    ASSERT_TRUE(same);
    EXPECT_EQ(*same, *ctx);
    EXPECT_EQ(SSL_CTX_get_min_proto_version(*same), TLS1_2_VERSION);
    STACK_OF(SSL_CIPHER)* ciphers = SSL_CTX_get_ciphers(*same);
    ASSERT_NE(ciphers, nullptr);
    for (int i = 0; i < sk_SSL_CIPHER_num(ciphers); ++i) {
      const SSL_CIPHER* c = sk_SSL_CIPHER_value(ciphers, i);
      EXPECT_TRUE(tls::negotiatedWithin("ncsc-sufficient", SSL_CIPHER_get_version(c),
                                        SSL_CIPHER_get_name(c)))
          << SSL_CIPHER_get_name(c);
    }
  }
  // With a client certificate: the very certificate given to Proton.
  auto ctx = clientSslContext(variants[2]);
  ASSERT_TRUE(ctx);
  auto expected = readCert(certs.cert());
  ASSERT_TRUE(expected);
  X509* loaded = SSL_CTX_get0_certificate(*ctx);
  ASSERT_NE(loaded, nullptr);
  EXPECT_EQ(X509_cmp(loaded, expected.get()), 0);
}

}  // namespace
}  // namespace hub::amqp
