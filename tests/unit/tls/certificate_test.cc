#include "hub/tls/certificate.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <ctime>
#include <filesystem>

#include "hub/core/error_codes.h"
#include "tests/unit/tls/pki_fixture.h"

namespace hub::tls {
namespace {

using testing::pkiDir;
using testing::shell;

TEST(Certificate, ReadsSigningCertificate) {
  auto info = readCertificate(pkiDir() + "/hub-sign.crt");
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->subject,
            "CN=ketenhub test signing, O=Gemeente Test, serialNumber=00000099000000000001");
  EXPECT_EQ(info->oin, "00000099000000000001");
  EXPECT_EQ(info->key_type, "rsa");
  EXPECT_EQ(info->key_bits, 3072);
  EXPECT_EQ(info->signature_algorithm, "ecdsa-with-SHA256");  // issued by the P-256 test CA
  EXPECT_FALSE(info->sha1_signed);
  int64_t now = static_cast<int64_t>(std::time(nullptr));
  EXPECT_GT(info->not_after_unix, now + 89 * 86400);
  EXPECT_LE(info->not_after_unix, now + 91 * 86400);
}

TEST(Certificate, PartnerCertificatesCarryDistinctOins) {
  const char* partners[] = {"om", "igj", "pvp", "rvr", "ciz"};
  for (int i = 0; i < 5; ++i) {
    auto info = readCertificate(pkiDir() + "/partner-" + partners[i] + ".crt");
    ASSERT_TRUE(info) << info.error().message;
    EXPECT_EQ(info->oin, "0000009900000000001" + std::to_string(i + 1)) << partners[i];
    EXPECT_EQ(info->key_type, "ec");
    EXPECT_EQ(info->key_bits, 256);
  }
}

TEST(Certificate, ReadsCertificateFromPemText) {
  std::string pem = shell("cat " + pkiDir() + "/hub-client.crt");
  auto info = readCertificatePem(pem);
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->oin, "00000099000000000001");
}

TEST(Certificate, MissingFileIsIoError) {
  auto info = readCertificate(pkiDir() + "/nope.crt");
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().code, errc::kIo);
  EXPECT_NE(info.error().message.find("nope.crt"), std::string::npos);
}

TEST(Certificate, KeyFileIsNoCertificate) {
  auto info = readCertificate(pkiDir() + "/ca.key");
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().code, errc::kTls);
}

TEST(Certificate, DetectsSha1Signature) {
  std::string dir = pkiDir() + "/sha1";
  std::filesystem::create_directories(dir);
  std::string out = shell(
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
      "-sha1 -days 1 -subj /CN=old -keyout " +
      dir + "/k.pem -out " + dir + "/c.pem 2>/dev/null && echo ok");
  ASSERT_EQ(out, "ok");
  auto info = readCertificate(dir + "/c.pem");
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_TRUE(info->sha1_signed);
  EXPECT_EQ(info->signature_algorithm, "ecdsa-with-SHA1");
  EXPECT_EQ(info->oin, "");
}

TEST(Certificate, SpkiPinMatchesOpensslCli) {
  std::string path = pkiDir() + "/partner-om.crt";
  std::string expected = shell("openssl x509 -in " + path +
                               " -pubkey -noout | openssl pkey -pubin -outform der | "
                               "openssl dgst -sha256 -binary | base64");
  ASSERT_FALSE(expected.empty());
  auto pin = spkiSha256Base64(path);
  ASSERT_TRUE(pin) << pin.error().message;
  EXPECT_EQ(*pin, expected);
}

TEST(KeyFile, PrivateKeyPasses) { EXPECT_TRUE(checkKeyFilePrivate(pkiDir() + "/hub-sign.key")); }

TEST(KeyFile, GroupReadableKeyIsRefused) {
  std::string path = pkiDir() + "/readable.key";
  std::filesystem::copy_file(pkiDir() + "/hub-client.key", path,
                             std::filesystem::copy_options::overwrite_existing);
  ASSERT_EQ(::chmod(path.c_str(), 0640), 0);
  auto r = checkKeyFilePrivate(path);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::kConfig);
  EXPECT_NE(r.error().message.find(path), std::string::npos);
  EXPECT_NE(r.error().message.find("0640"), std::string::npos);
  ASSERT_EQ(::chmod(path.c_str(), 0604), 0);
  EXPECT_FALSE(checkKeyFilePrivate(path));
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  EXPECT_TRUE(checkKeyFilePrivate(path));
}

TEST(KeyFile, MissingKeyIsIoError) {
  auto r = checkKeyFilePrivate(pkiDir() + "/missing.key");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::kIo);
}

}  // namespace
}  // namespace hub::tls
