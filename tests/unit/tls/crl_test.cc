#include "hub/tls/crl.h"

#include <gtest/gtest.h>

#include <ctime>
#include <fstream>
#include <sstream>

#include "tests/unit/tls/pki_fixture.h"

namespace hub::tls {
namespace {

using testing::pkiDir;
using testing::shell;

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A CRL by `openssl ca -gencrl` (deploy/pki/make-test-crl.sh) signed by `ca` of the test PKI.
std::string makeCrl(const std::string& name, const std::string& args,
                    const std::string& ca = "ca") {
  const std::string out = pkiDir() + "/" + name;
  const std::string cmd = std::string("bash ") + KETENHUB_SOURCE_DIR +
                          "/deploy/pki/make-test-crl.sh " + pkiDir() + "/" + ca + ".crt " +
                          pkiDir() + "/" + ca + ".key " + out + " " + args + " && echo ok";
  EXPECT_EQ(shell(cmd), "ok") << cmd;
  return readFile(out);
}

TEST(Crl, ParsesPemWithIssuerAndTimes) {
  auto crl = parseCrl(makeCrl("revoking.crl", pkiDir() + "/partner-om.crt"));
  ASSERT_TRUE(crl) << crl.error().message;
  EXPECT_EQ((*crl)->issuer(), "CN=ketenhub test CA, O=ketenhub test PKI");
  EXPECT_EQ((*crl)->revokedCount(), 1u);
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  EXPECT_LE((*crl)->thisUpdate(), now + 5);
  EXPECT_NEAR(static_cast<double>((*crl)->nextUpdate() - (*crl)->thisUpdate()), 24 * 3600, 5);
}

TEST(Crl, ParsesDer) {
  auto crl = parseCrl(makeCrl("empty.der", "--der --hours 2"));
  ASSERT_TRUE(crl) << crl.error().message;
  EXPECT_EQ((*crl)->revokedCount(), 0u);
  EXPECT_NEAR(static_cast<double>((*crl)->nextUpdate() - (*crl)->thisUpdate()), 2 * 3600, 5);
}

TEST(Crl, RefusesWhatIsNoCrl) {
  EXPECT_FALSE(parseCrl("not a crl"));
  EXPECT_FALSE(parseCrl(readFile(pkiDir() + "/ca.crt")));
  EXPECT_FALSE(parseCrl("-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n"));
}

TEST(Crl, SignedByATrustAnchorIsAccepted) {
  auto crl = parseCrl(makeCrl("ok.crl", ""));
  ASSERT_TRUE(crl) << crl.error().message;
  // Several anchors at once (a rollover): the matching one is found.
  const std::string anchors = readFile(pkiDir() + "/rogue-ca.crt") + readFile(pkiDir() + "/ca.crt");
  auto ok = verifyCrlIssuer(**crl, anchors);
  EXPECT_TRUE(ok) << ok.error().message;
}

TEST(Crl, FromAnotherIssuerIsRefused) {
  auto crl = parseCrl(makeCrl("rogue.crl", "", "rogue-ca"));
  ASSERT_TRUE(crl) << crl.error().message;
  auto refused = verifyCrlIssuer(**crl, readFile(pkiDir() + "/ca.crt"));
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("is not among the partner's trust anchors"),
            std::string::npos)
      << refused.error().message;
}

TEST(Crl, SameIssuerNameWithAnotherKeyIsRefused) {
  // An impostor CA with the test CA's subject but its own key signs a CRL.
  const std::string dir = pkiDir() + "/impostor";
  const std::string cmd =
      "mkdir -p " + dir + " && cd " + dir +
      " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2"
      " -subj '/CN=ketenhub test CA/O=ketenhub test PKI' -keyout ca.key -out ca.crt 2>/dev/null"
      " && bash " +
      KETENHUB_SOURCE_DIR + "/deploy/pki/make-test-crl.sh ca.crt ca.key x.crl" + " && echo ok";
  ASSERT_EQ(shell(cmd), "ok");
  auto crl = parseCrl(readFile(dir + "/x.crl"));
  ASSERT_TRUE(crl) << crl.error().message;
  auto refused = verifyCrlIssuer(**crl, readFile(pkiDir() + "/ca.crt"));
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("signature does not verify"), std::string::npos)
      << refused.error().message;
}

}  // namespace
}  // namespace hub::tls
