#include "adapters/print/print_options.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

namespace hub::adapters::print {
namespace {

struct Read {
  config::Diagnostics diag;
  ChannelOptionsConstSharedPtr opts;
};

Read readHub(const std::string& yaml) {
  Read out;
  YAML::Node root = YAML::Load(yaml);
  config::MapReader r(root, "hub.yaml", "engine.channels.print", out.diag);
  out.opts = readPrintHubOptions(r, "/etc/ketenhub");
  return out;
}

Read readPartner(const std::string& yaml) {
  Read out;
  YAML::Node root = YAML::Load(yaml);
  config::MapReader r(root, "routes/partners.yaml", "partners.om.print", out.diag);
  out.opts = readPrintPartnerOptions(r, "/etc/ketenhub");
  return out;
}

constexpr const char* kLetterhead =
    "return_address: 'Retouradres: Postbus 1234, 3500 AA Utrecht'\n"
    "sender: [Ketenhub, Postbus 1234, 3500 AA Utrecht]\n";

TEST(PrintOptions, SpoolMode) {
  auto r = readHub(std::string("spool_dir: spool/letters\nplace: Utrecht\n") + kLetterhead);
  ASSERT_NE(r.opts, nullptr) << r.diag.joined();
  const auto& o = static_cast<const PrintHubOptions&>(*r.opts);
  EXPECT_TRUE(o.spoolMode());
  EXPECT_EQ(o.spool_dir, "/etc/ketenhub/spool/letters");
  EXPECT_EQ(o.sender.size(), 3u);
  EXPECT_EQ(o.place, "Utrecht");
}

TEST(PrintOptions, UrlModeWithMutualTls) {
  auto r = readHub(std::string("url: https://print.example.nl/letters\n"
                               "tls: {profile: ncsc-good, ca: [pki/ca.crt],"
                               " client_certificate: pki/c.crt, client_key: pki/c.key}\n"
                               "timeouts: {connect: 2s, request: 90s}\n") +
                   kLetterhead);
  ASSERT_NE(r.opts, nullptr) << r.diag.joined();
  const auto& o = static_cast<const PrintHubOptions&>(*r.opts);
  EXPECT_FALSE(o.spoolMode());
  EXPECT_EQ(o.tls.ca_files, (std::vector<std::string>{"/etc/ketenhub/pki/ca.crt"}));
  EXPECT_EQ(o.tls.client_key, "/etc/ketenhub/pki/c.key");
  EXPECT_EQ(o.request_timeout, Millis(90000));
}

TEST(PrintOptions, HubErrorsArePositional) {
  auto both = readHub(std::string("spool_dir: s\nurl: https://x\n") + kLetterhead);
  EXPECT_EQ(both.opts, nullptr);
  EXPECT_EQ(both.diag.joined(),
            "hub.yaml:2:6 (engine.channels.print.url): set exactly one of spool_dir and url\n");

  auto none = readHub(kLetterhead);
  EXPECT_EQ(none.diag.joined(),
            "hub.yaml:1:1 (engine.channels.print): set exactly one of spool_dir and url\n");

  auto http = readHub(std::string("url: http://print\n") + kLetterhead);
  EXPECT_EQ(http.diag.joined(),
            "hub.yaml:1:6 (engine.channels.print.url): the print service must be an https:// URL\n"
            "hub.yaml:1:6 (engine.channels.print.url): a print service needs tls (mutual TLS: "
            "client_certificate)\n");

  auto no_client = readHub(std::string("url: https://print\ntls: {ca: [ca.crt]}\n") + kLetterhead);
  EXPECT_EQ(no_client.diag.joined(),
            "hub.yaml:2:6 (engine.channels.print.tls.client_certificate): missing required key\n"
            "hub.yaml:2:6 (engine.channels.print.tls.client_key): missing required key\n");

  auto missing = readHub("spool_dir: s\n");
  EXPECT_EQ(missing.diag.joined(),
            "hub.yaml:1:1 (engine.channels.print.return_address): missing required key\n"
            "hub.yaml:1:1 (engine.channels.print.sender): missing required key\n");

  auto control = readHub("spool_dir: s\nreturn_address: \"a\\tb\"\nsender: [x]\n");
  EXPECT_EQ(control.diag.joined(),
            "hub.yaml:2:17 (engine.channels.print.return_address): line 1 holds a control "
            "character\n");
}

TEST(PrintOptions, PartnerAddress) {
  auto r = readPartner(
      "address: [Openbaar Ministerie, Parket Midden-Nederland, Postbus 850,"
      " 3500 AW Utrecht]\n");
  ASSERT_NE(r.opts, nullptr) << r.diag.joined();
  EXPECT_EQ(static_cast<const PrintPartnerOptions&>(*r.opts).address.size(), 4u);
}

TEST(PrintOptions, PartnerErrorsArePositional) {
  auto one = readPartner("address: [Openbaar Ministerie]\n");
  EXPECT_EQ(one.opts, nullptr);
  EXPECT_EQ(one.diag.joined(),
            "routes/partners.yaml:1:10 (partners.om.print.address): a postal address has 2..6 "
            "lines, got 1\n");
  auto missing = readPartner("adres: [a, b]\n");
  EXPECT_EQ(missing.diag.joined(),
            "routes/partners.yaml:1:1 (partners.om.print.address): missing required key\n");
  auto control = readPartner("address: [\"OM\\u0085\", Postbus 850]\n");
  EXPECT_EQ(control.diag.joined(),
            "routes/partners.yaml:1:10 (partners.om.print.address): line 1 holds a control "
            "character\n");
  auto wide = readPartner("address: [" + std::string(51, 'x') + ", Postbus 850]\n");
  EXPECT_EQ(wide.diag.joined(),
            "routes/partners.yaml:1:10 (partners.om.print.address): line 1 is longer than 50 "
            "characters (it must fit the envelope window)\n");
  auto seven = readPartner("address: [a, b, c, d, e, f, g]\n");
  EXPECT_NE(seven.diag.joined().find("got 7"), std::string::npos);
}

TEST(PrintOptions, Utf8Helpers) {
  EXPECT_EQ(utf8Length("Patiëntvertrouwenspersoon"), 25u);
  EXPECT_FALSE(hasControlChars("Coördinatie"));
  EXPECT_TRUE(hasControlChars("a\nb"));
  EXPECT_TRUE(hasControlChars("a\x7f"));
}

}  // namespace
}  // namespace hub::adapters::print
