#include "hub/tls/smime.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "tests/unit/tls/pki_fixture.h"

namespace hub::tls {
namespace {

using testing::pkiDir;
using testing::shell;

// 2026-11-22T07:15:00Z
constexpr int64_t kSigningTimeMs = 1795331700000;

const std::string kEntity =
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    "Synthetic test text, no personal data.\r\n"
    "Line two with trailing spaces=20\r\n";

std::string path(const std::string& name) { return pkiDir() + "/" + name; }

std::string writeTemp(const std::string& name, const std::string& bytes) {
  const std::string p = pkiDir() + "/" + name;
  std::ofstream(p, std::ios::binary) << bytes;
  return p;
}

std::string readAll(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool crlfOnly(const std::string& s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) return false;
    if (s[i] == '\r' && (i + 1 == s.size() || s[i + 1] != '\n')) return false;
  }
  return true;
}

std::unique_ptr<SmimeSigner> makeSigner() {
  auto s = SmimeSigner::create(path("hub-sign.key"), path("hub-sign.crt"));
  EXPECT_TRUE(s.has_value()) << (s ? "" : s.error().message);
  return s ? std::move(*s) : nullptr;
}

TEST(SmimeSigner, OpensslVerifiesAndGetsTheEntityBackByteForByte) {
  auto signer = makeSigner();
  ASSERT_TRUE(signer);
  auto signed_entity = signer->sign(kEntity, kSigningTimeMs);
  ASSERT_TRUE(signed_entity.has_value()) << signed_entity.error().message;
  const std::string msg = writeTemp("smime-1.eml", *signed_entity);
  const std::string out = pkiDir() + "/smime-1.content";
  // Without -binary, as a mail client verifies (canonical CRLF text). With -binary, OpenSSL's
  // S/MIME reader itself turns the part's CRLFs into LFs before digesting, so it cannot match.
  ASSERT_EQ(shell("openssl cms -verify -CAfile " + path("ca.crt") + " -in " + msg + " -out " + out +
                  " 2>&1 && echo OK"),
            "CMS Verification successful\nOK");
  EXPECT_EQ(readAll(out), kEntity);
}

TEST(SmimeSigner, MultipartSignedWithCrlfAndTheRightParameters) {
  auto signer = makeSigner();
  ASSERT_TRUE(signer);
  auto e = signer->sign(kEntity, kSigningTimeMs);
  ASSERT_TRUE(e.has_value());
  EXPECT_TRUE(crlfOnly(*e));
  EXPECT_EQ(e->rfind("MIME-Version: 1.0\r\nContent-Type: multipart/signed; ", 0), 0u);
  EXPECT_NE(e->find("protocol=\"application/pkcs7-signature\""), std::string::npos);
  EXPECT_NE(e->find("micalg=\"sha-256\""), std::string::npos);
  EXPECT_NE(e->find("\r\n" + kEntity + "\r\n--"), std::string::npos);  // verbatim, then boundary
}

TEST(SmimeSigner, CadesAttributesSigningTimeAndCertificateV2) {
  auto signer = makeSigner();
  ASSERT_TRUE(signer);
  auto e = signer->sign(kEntity, kSigningTimeMs);
  ASSERT_TRUE(e.has_value());
  const std::string msg = writeTemp("smime-2.eml", *e);
  const std::string printed = shell("openssl cms -cmsout -print -in " + msg);
  EXPECT_NE(printed.find("id-smime-aa-signingCertificateV2"), std::string::npos);
  EXPECT_NE(printed.find("UTCTIME:Nov 22 07:15:00 2026 GMT"), std::string::npos);
  EXPECT_NE(printed.find("sha256"), std::string::npos);
  EXPECT_EQ(printed.find("S/MIME Capabilities"), std::string::npos);  // no DES/RC2 advertised
}

TEST(SmimeSigner, RefusesBareLineFeedsAndEmptyEntities) {
  auto signer = makeSigner();
  ASSERT_TRUE(signer);
  EXPECT_FALSE(signer->sign("Content-Type: text/plain\n\nx\n", kSigningTimeMs).has_value());
  EXPECT_FALSE(signer->sign("Content-Type: text/plain\r\n\r\nx\r", kSigningTimeMs).has_value());
  EXPECT_FALSE(signer->sign("", kSigningTimeMs).has_value());
}

TEST(SmimeSigner, RefusesAKeyFileOthersMayRead) {
  const std::string key = writeTemp("smime-open.key", readAll(path("hub-sign.key")));
  ASSERT_EQ(::chmod(key.c_str(), 0640), 0);
  auto s = SmimeSigner::create(key, path("hub-sign.crt"));
  ASSERT_FALSE(s.has_value());
  EXPECT_NE(s.error().message.find("0640"), std::string::npos) << s.error().message;
}

TEST(SmimeSigner, RefusesAKeyThatDoesNotMatchTheCertificate) {
  auto s = SmimeSigner::create(path("hub-client.key"), path("hub-sign.crt"));
  ASSERT_FALSE(s.has_value());
  EXPECT_NE(s.error().message.find("does not match"), std::string::npos) << s.error().message;
}

TEST(SmimeSigner, RefusesMissingFiles) {
  EXPECT_FALSE(SmimeSigner::create(path("nope.key"), path("hub-sign.crt")).has_value());
  EXPECT_FALSE(SmimeSigner::create(path("hub-sign.key"), path("nope.crt")).has_value());
}

TEST(SmimeSigner, SignsFromSeveralThreadsAtOnce) {
  auto signer = makeSigner();
  ASSERT_TRUE(signer);
  std::vector<std::thread> threads;
  std::vector<int> good(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        auto e = signer->sign(kEntity, kSigningTimeMs + i * 1000);
        if (e && crlfOnly(*e) && e->find(kEntity) != std::string::npos) ++good[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int g : good) EXPECT_EQ(g, 10);
}

}  // namespace
}  // namespace hub::tls
