// adapters/digikoppeling_wus/wus_options.h and wus_wsdl.h: the partner's WUS contract in
// routes/partners.yaml (wsa:To, actions per product, the WSDL they must appear in), read through
// the real partners loader, and the adapter sending what was configured.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "adapters/digikoppeling_wus/wus_adapter.h"
#include "adapters/digikoppeling_wus/wus_envelope.h"
#include "adapters/digikoppeling_wus/wus_options.h"
#include "adapters/digikoppeling_wus/wus_wsdl.h"
#include "hub/config/loader.h"
#include "tests/unit/wus/wus_test_env.h"

namespace hub::adapters::wus {
namespace {

namespace fs = std::filesystem;
using hub::wus_testing::kDeliveryId;
using hub::wus_testing::kHubOin;

constexpr const char* kDefaultAction = "urn:ketenhub:om:kennisgeving-crisismaatregel:1";

// A small WSDL: one operation with wsam:Action on input and output, one only in the binding.
std::string wsdl(const std::string& input_action = "urn:om:kennisgeving:1") {
  return R"(<?xml version="1.0"?>
<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/"
    xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:wsam="http://www.w3.org/2007/05/addressing/metadata"
    xmlns:wsaw="http://www.w3.org/2006/05/addressing/wsdl"
    xmlns:tns="urn:om:wus" targetNamespace="urn:om:wus">
  <wsdl:portType name="Om">
    <wsdl:operation name="Kennisgeving">
      <wsdl:input message="tns:K" wsam:Action=")" +
         input_action + R"("/>
      <wsdl:output message="tns:R" wsam:Action="urn:om:ontvangen:1"/>
    </wsdl:operation>
    <wsdl:operation name="Beeindiging">
      <wsdl:input message="tns:B"/>
      <wsdl:output message="tns:R" wsaw:Action="urn:om:beeindiging:1Response"/>
    </wsdl:operation>
  </wsdl:portType>
  <wsdl:binding name="OmSoap" type="tns:Om">
    <wsdl:operation name="Beeindiging">
      <soap:operation soapAction="urn:om:beeindiging:1"/>
    </wsdl:operation>
    <wsdl:operation name="Leeg"><soap:operation soapAction=""/></wsdl:operation>
  </wsdl:binding>
</wsdl:definitions>
)";
}

TEST(Wsdl, InputAndOutputActions) {
  auto a = parseWsdlActions(wsdl());
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->inputs, (std::set<std::string>{"urn:om:kennisgeving:1", "urn:om:beeindiging:1"}));
  EXPECT_EQ(a->outputs.at("urn:om:kennisgeving:1"), "urn:om:ontvangen:1");
  // The soapAction's operation is found through the binding's type.
  EXPECT_EQ(a->outputs.at("urn:om:beeindiging:1"), "urn:om:beeindiging:1Response");
  EXPECT_EQ(wsdlActionProblem(*a, "urn:om:kennisgeving:1", "urn:om:ontvangen:1"), "");
  EXPECT_NE(wsdlActionProblem(*a, "urn:om:kennisgeving:1", "urn:om:kennisgeving:1Response")
                .find("differs from the output action 'urn:om:ontvangen:1'"),
            std::string::npos);
  EXPECT_NE(wsdlActionProblem(*a, "urn:om:other:1", "x").find("is not an input action"),
            std::string::npos);
}

TEST(Wsdl, RefusesWhatIsNotAWsdl) {
  EXPECT_FALSE(parseWsdlActions("<definitions/>"));  // no WSDL namespace
  EXPECT_FALSE(parseWsdlActions("not xml"));
  auto dtd = parseWsdlActions(
      "<!DOCTYPE d [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
      "<wsdl:definitions xmlns:wsdl=\"http://schemas.xmlsoap.org/wsdl/\">&e;</wsdl:definitions>");
  EXPECT_FALSE(dtd);
  EXPECT_FALSE(readWsdlActions("/nonexistent/ketenhub.wsdl"));
}

TEST(Wsdl, TheRepositorysOmWsdlDefinesTheDefaultActions) {
  auto a = readWsdlActions(std::string(KETENHUB_SOURCE_DIR) + "/routes/wsdl/om.wsdl");
  ASSERT_TRUE(a) << a.error().message;
  for (const char* product :
       {"kennisgeving-crisismaatregel", "kennisgeving-beeindiging-crisismaatregel",
        "aanvraag-voorbereiding-zorgmachtiging"}) {
    const std::string action = *wusAction("om", product);
    EXPECT_EQ(wsdlActionProblem(*a, action, action + "Response"), "") << product;
  }
}

TEST(HeaderUri, Rule) {
  EXPECT_TRUE(isHeaderUri("urn:om:kennisgeving:1"));
  EXPECT_TRUE(isHeaderUri("https://om.example/wus?OIN=1&x=2"));
  EXPECT_FALSE(isHeaderUri(""));
  EXPECT_FALSE(isHeaderUri("no-scheme"));
  EXPECT_FALSE(isHeaderUri("urn:"));
  EXPECT_FALSE(isHeaderUri(":x"));
  EXPECT_FALSE(isHeaderUri("1urn:x"));
  EXPECT_FALSE(isHeaderUri("urn:a b"));
  EXPECT_FALSE(isHeaderUri("urn:a\"b"));
  EXPECT_FALSE(isHeaderUri("urn:a\r\nX-Evil: 1"));
  EXPECT_FALSE(isHeaderUri("urn:<x>"));
  EXPECT_FALSE(isHeaderUri("urn:caf\xc3\xa9"));
  EXPECT_FALSE(isHeaderUri("urn:" + std::string(1100, 'a')));
}

// A hub directory with routes/partners.yaml (the om partner plus `extra`) and routes/wsdl/om.wsdl,
// loaded with the real partners loader and the digikoppeling-wus schema.
class WusOptionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("ketenhub-wus-options-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "routes" / "wsdl");
    std::ofstream(dir_ / "routes" / "wsdl" / "om.wsdl") << wsdl();
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Returns the options of om, or null (then diag_ holds the errors).
  const WusOptions* load(const std::string& extra) {
    std::ofstream(dir_ / "routes" / "partners.yaml")
        << "partners:\n"
           "  om:\n"
           "    name: Openbaar Ministerie\n"
           "    adapter: digikoppeling-wus\n"
           "    endpoint: https://om.example/wus\n"
           "    tls:\n"
           "      ca: ["
        << hub::wus_testing::pkiDir() << "/ca.pem]\n"
        << "      expected_oin: \"00000001003214345000\"\n"
        << extra;
    config::LoadOptions opts;
    opts.known_adapters = {"digikoppeling-wus"};
    opts.channels = {{"digikoppeling-wus", true, false, nullptr, &WusAdapter::readOptions}};
    cfg_ = HubConfig{};
    cfg_.hub.oin = kHubOin;
    diag_ = config::Diagnostics{};
    config::loadPartners((dir_ / "routes" / "partners.yaml").string(), "routes/partners.yaml",
                         dir_.string(), opts, cfg_, diag_);
    if (!diag_.ok() || !cfg_.partners.count("om")) return nullptr;
    const auto& o = cfg_.partners.at("om").channel_options;
    auto it = o.find("digikoppeling-wus");
    return it == o.end() ? nullptr : dynamic_cast<const WusOptions*>(it->second.get());
  }

  Result<std::unique_ptr<Channel>> create(const std::vector<std::string>& products) {
    ChannelContext ctx{cfg_, cfg_.partners.at("om"), nullptr, products};
    return WusAdapter::create(ctx);
  }

  fs::path dir_;
  HubConfig cfg_;
  config::Diagnostics diag_;
};

TEST_F(WusOptionsTest, NoWusBlockKeepsTheDefaults) {
  const WusOptions* o = load("");
  ASSERT_NE(o, nullptr) << diag_.joined();
  EXPECT_TRUE(o->contract.to.empty());
  EXPECT_TRUE(o->contract.products.empty());
  EXPECT_FALSE(o->wsdl_actions);
  EXPECT_EQ(*requestAction(o->contract, "om", "kennisgeving-crisismaatregel"), kDefaultAction);
  EXPECT_EQ(responseAction(o->contract, "kennisgeving-crisismaatregel", kDefaultAction),
            std::string(kDefaultAction) + "Response");
}

TEST_F(WusOptionsTest, ReadsToWsdlAndActions) {
  const WusOptions* o = load(
      "    wus:\n"
      "      to: https://om.example/wus/v2\n"
      "      wsdl: wsdl/om.wsdl\n"
      "      products:\n"
      "        kennisgeving-crisismaatregel:\n"
      "          action: urn:om:kennisgeving:1\n"
      "          response_action: urn:om:ontvangen:1\n"
      "        kennisgeving-beeindiging-crisismaatregel: {action: urn:om:beeindiging:1}\n");
  ASSERT_NE(o, nullptr) << diag_.joined();
  EXPECT_EQ(o->contract.to, "https://om.example/wus/v2");
  EXPECT_EQ(o->wsdl, (dir_ / "routes" / "wsdl" / "om.wsdl").string());  // next to partners.yaml
  EXPECT_EQ(o->wsdl_shown, "routes/wsdl/om.wsdl");
  EXPECT_EQ(o->wsdl_source, "routes/partners.yaml:11");
  ASSERT_TRUE(o->wsdl_actions);
  EXPECT_EQ(*requestAction(o->contract, "om", "kennisgeving-crisismaatregel"),
            "urn:om:kennisgeving:1");
  EXPECT_EQ(responseAction(o->contract, "kennisgeving-crisismaatregel", "urn:om:kennisgeving:1"),
            "urn:om:ontvangen:1");
  EXPECT_EQ(responseAction(o->contract, "kennisgeving-beeindiging-crisismaatregel",
                           "urn:om:beeindiging:1"),
            "urn:om:beeindiging:1Response");
  // Another product keeps the default rule.
  EXPECT_EQ(*requestAction(o->contract, "om", "x"), "urn:ketenhub:om:x:1");
}

TEST_F(WusOptionsTest, UnknownKeysAndBadValuesAreErrorsWithFileAndLine) {
  EXPECT_EQ(load("    wus:\n"
                 "      ro: https://x\n"
                 "      wsdl: wsdl/missing.wsdl\n"
                 "      products:\n"
                 "        p:\n"
                 "          acton: urn:x:1\n"
                 "        q: {action: \"urn:a b\"}\n"
                 "        r: {response_action: no-scheme}\n"
                 "        s: {}\n"),
            nullptr);
  EXPECT_EQ(
      diag_.joined(),
      "routes/partners.yaml:11:13 (partners.om.wus.wsdl): WSDL routes/wsdl/missing.wsdl: "
      "cannot be read\n"
      "routes/partners.yaml:14:11 (partners.om.wus.products.p): give action, "
      "response_action or both\n"
      "routes/partners.yaml:14:11 (partners.om.wus.products.p.acton): unknown key 'acton'; "
      "did you mean 'action'?\n"
      "routes/partners.yaml:15:21 (partners.om.wus.products.q.action): expected an absolute "
      "URI (scheme:...) in printable ASCII without spaces, '\"', '<', '>' or '\\'\n"
      "routes/partners.yaml:16:30 (partners.om.wus.products.r.response_action): expected an "
      "absolute URI (scheme:...) in printable ASCII without spaces, '\"', '<', '>' or '\\'\n"
      "routes/partners.yaml:17:12 (partners.om.wus.products.s): give action, "
      "response_action or both\n"
      "routes/partners.yaml:10:7 (partners.om.wus.ro): unknown key 'ro'; did you mean 'to'?\n");
}

TEST_F(WusOptionsTest, ConfiguredActionMissingFromTheWsdlIsAnError) {
  EXPECT_EQ(load("    wus:\n"
                 "      wsdl: wsdl/om.wsdl\n"
                 "      products:\n"
                 "        kennisgeving-crisismaatregel: {action: urn:om:kennisgeving:2}\n"
                 "        b:\n"
                 "          action: urn:om:kennisgeving:1\n"
                 "          response_action: urn:om:kennisgeving:1Response\n"),
            nullptr);
  const std::string errors = diag_.joined();
  EXPECT_NE(errors.find("routes/partners.yaml:12:48 (partners.om.wus.products.kennisgeving-"
                        "crisismaatregel.action): action 'urn:om:kennisgeving:2' is not an input "
                        "action of the WSDL"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("(WSDL routes/wsdl/om.wsdl)"), std::string::npos) << errors;
  // The WSDL names the response action of urn:om:kennisgeving:1: another one is refused.
  EXPECT_NE(errors.find("routes/partners.yaml:15:28 (partners.om.wus.products.b.response_action):"
                        " response action 'urn:om:kennisgeving:1Response' differs from the output "
                        "action 'urn:om:ontvangen:1'"),
            std::string::npos)
      << errors;
}

TEST_F(WusOptionsTest, DefaultActionsOfRoutedProductsAreCheckedAtCreate) {
  const WusOptions* o = load(
      "    wus:\n"
      "      wsdl: wsdl/om.wsdl\n"
      "      products:\n"
      "        k: {action: urn:om:kennisgeving:1, response_action: urn:om:ontvangen:1}\n");
  ASSERT_NE(o, nullptr) << diag_.joined();
  EXPECT_TRUE(checkRoutedActions(*o, "om", {"k", "k"}));
  auto r = checkRoutedActions(*o, "om", {"k", "kennisgeving-crisismaatregel"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "product 'kennisgeving-crisismaatregel' (default action): action "
            "'urn:ketenhub:om:kennisgeving-crisismaatregel:1' is not an input action of the WSDL "
            "(2 defined as soap:operation/@soapAction or wsam:Action/wsaw:Action on a wsdl:input) "
            "(WSDL routes/wsdl/om.wsdl, wus.wsdl at routes/partners.yaml:10); set "
            "wus.products.kennisgeving-crisismaatregel.action to an action it defines");
  // The factory refuses it too (run, reload and config check share it).
  auto channel = create({"kennisgeving-crisismaatregel"});
  ASSERT_FALSE(channel);
  EXPECT_NE(channel.error().message.find("routes/partners.yaml:10"), std::string::npos);
  EXPECT_TRUE(create({"k"}));
}

TEST_F(WusOptionsTest, DefaultActionInTheWsdlPasses) {
  std::ofstream(dir_ / "routes" / "wsdl" / "om.wsdl") << wsdl(kDefaultAction);
  const WusOptions* o = load("    wus: {wsdl: wsdl/om.wsdl}\n");
  ASSERT_NE(o, nullptr) << diag_.joined();
  // The WSDL names urn:om:ontvangen:1 as the output: the default response action differs.
  auto r = checkRoutedActions(*o, "om", {"kennisgeving-crisismaatregel"});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("differs from the output action 'urn:om:ontvangen:1'"),
            std::string::npos);
  // With that response action configured it passes.
  o = load(
      "    wus:\n"
      "      wsdl: wsdl/om.wsdl\n"
      "      products:\n"
      "        kennisgeving-crisismaatregel: {response_action: urn:om:ontvangen:1}\n");
  ASSERT_NE(o, nullptr) << diag_.joined();
  EXPECT_TRUE(checkRoutedActions(*o, "om", {"kennisgeving-crisismaatregel"}));
}

ChannelInput input(const std::string& product) {
  ChannelInput in;
  in.delivery_id = kDeliveryId;
  in.partner = "om";
  in.product = product;
  in.signed_product = "<p xmlns=\"urn:p\"/>";
  return in;
}

std::string header(const WireMessage& m, const std::string& name) {
  for (const auto& [n, v] : m.headers)
    if (n == name) return v;
  return "<none>";
}

TEST_F(WusOptionsTest, ConfiguredActionAndToAreSent) {
  ASSERT_NE(load("    wus:\n"
                 "      to: urn:om:wus:ontvanger\n"
                 "      products:\n"
                 "        kennisgeving-crisismaatregel: {action: urn:om:kennisgeving:1}\n"),
            nullptr)
      << diag_.joined();
  auto channel = create({"kennisgeving-crisismaatregel", "other"});
  ASSERT_TRUE(channel) << channel.error().message;
  auto msg = (*channel)->prepare(input("kennisgeving-crisismaatregel"));
  ASSERT_TRUE(msg) << msg.error().message;
  EXPECT_EQ(header(*msg, "SOAPAction"), "\"urn:om:kennisgeving:1\"");
  EXPECT_NE(msg->body.find("<wsa:Action>urn:om:kennisgeving:1</wsa:Action>"), std::string::npos);
  EXPECT_NE(msg->body.find("<wsa:To>urn:om:wus:ontvanger</wsa:To>"), std::string::npos);
  EXPECT_EQ(msg->target, "POST https://om.example/wus");  // the endpoint is still posted to
  // A product without a configured action keeps the default.
  msg = (*channel)->prepare(input("other"));
  ASSERT_TRUE(msg);
  EXPECT_EQ(header(*msg, "SOAPAction"), "\"urn:ketenhub:om:other:1\"");
}

TEST_F(WusOptionsTest, DefaultsAreUnchanged) {
  ASSERT_NE(load(""), nullptr) << diag_.joined();
  auto channel = create({"kennisgeving-crisismaatregel"});
  ASSERT_TRUE(channel) << channel.error().message;
  auto msg = (*channel)->prepare(input("kennisgeving-crisismaatregel"));
  ASSERT_TRUE(msg) << msg.error().message;
  EXPECT_EQ(header(*msg, "SOAPAction"), std::string("\"") + kDefaultAction + "\"");
  EXPECT_NE(msg->body.find(std::string("<wsa:Action>") + kDefaultAction + "</wsa:Action>"),
            std::string::npos);
  EXPECT_NE(msg->body.find("<wsa:To>https://om.example/wus?OIN=00000001003214345000</wsa:To>"),
            std::string::npos);
}

}  // namespace
}  // namespace hub::adapters::wus
