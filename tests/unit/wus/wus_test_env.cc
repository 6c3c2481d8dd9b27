#include "tests/unit/wus/wus_test_env.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <fstream>
#include <memory>

#include "hub/dsig/dsig_runtime.h"
#include "hub/dsig/signer.h"
#include "hub/log/log.h"
#include "hub/xml/document.h"
#include "hub/xml/xml_runtime.h"

namespace hub::wus_testing {
namespace {

class RuntimeEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    hub::log::setMinLevel(hub::log::Level::kError);
    xml_ = std::make_unique<xml::XmlRuntime>();
    dsig_ = std::make_unique<dsig::DsigRuntime>();
    ASSERT_TRUE(dsig_->ok()) << dsig_->initError();
  }
  void TearDown() override {
    dsig_.reset();
    xml_.reset();
  }

 private:
  std::unique_ptr<xml::XmlRuntime> xml_;
  std::unique_ptr<dsig::DsigRuntime> dsig_;
};

[[maybe_unused]] ::testing::Environment* const kEnv =
    ::testing::AddGlobalTestEnvironment(new RuntimeEnvironment);

std::string makePki() {
  char tmpl[] = "/tmp/ketenhub-wus-pki-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) return {};
  const std::string dir = tmpl;
  std::ofstream(dir + "/leaf.ext") << "basicConstraints=CA:FALSE\n"
                                      "keyUsage=critical,digitalSignature,nonRepudiation\n";
  const std::string script =
      "set -e; cd " + dir +
      "; openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 3650"
      " -subj '/C=NL/O=Ketenhub Test/CN=WUS Test Root'"
      " -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign"
      "; openssl req -new -newkey rsa:2048 -nodes -keyout sign.key -out sign.csr"
      " -subj '/C=NL/O=Gemeente Test/serialNumber=00000099000000000001/CN=ketenhub signing'"
      "; openssl x509 -req -in sign.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 365"
      " -sha256 -out sign.pem -extfile leaf.ext; chmod 600 *.key";
  const std::string cmd = "bash -c \"" + script + "\" >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0 ? dir : std::string();
}

}  // namespace

const std::string& pkiDir() {
  static const std::string dir = makePki();
  return dir;
}

std::string signedProduct() {
  auto signer = dsig::Signer::load(pkiDir() + "/sign.key", pkiDir() + "/sign.pem");
  EXPECT_TRUE(signer) << (signer ? "" : signer.error().message);
  if (!signer) return {};
  auto doc = xml::Document::parseTrusted(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<kennisgeving xmlns=\"urn:ketenhub:om:kennisgeving-crisismaatregel:1\" "
      "xmlns:x=\"urn:example:extra\" versie=\"1.0\">\n"
      "  <zaaknummer>CM-0344-2026-000123</zaaknummer>\n"
      "  <x:opmerking taal=\"nl\">synthetisch &amp; fictief</x:opmerking>\n"
      "</kennisgeving>\n");
  EXPECT_TRUE(doc);
  if (!doc) return {};
  auto signed_xml = (*signer)->sign(*doc);
  EXPECT_TRUE(signed_xml) << (signed_xml ? "" : signed_xml.error().message);
  return signed_xml ? *signed_xml : std::string();
}

}  // namespace hub::wus_testing
