#include "tools/partner_sim/sim_options.h"

#include <gtest/gtest.h>

namespace hub::sim {
namespace {

std::map<std::string, std::string> base() {
  return {{"--listen", "127.0.0.1:0"}, {"--cert", "c.crt"}, {"--key", "c.key"}, {"--ca", "ca.crt"}};
}

TEST(SimOptions, Defaults) {
  auto o = buildSimOptions(base(), false);
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_EQ(o->host, "127.0.0.1");
  EXPECT_EQ(o->port, 0);
  EXPECT_EQ(o->adapter, "rest-xml");
  EXPECT_TRUE(o->verify_signature);
  EXPECT_EQ(o->verify_ca_path, "ca.crt");  // the client CA, unless --verify-ca says otherwise
  EXPECT_EQ(o->tls_profile, "ncsc-sufficient");
  EXPECT_EQ(o->faults.status, 0);
}

TEST(SimOptions, AllOptions) {
  auto v = base();
  v["--listen"] = "[::1]:8443";
  v["--partner"] = "om";
  v["--verify-ca"] = "sign-ca.crt";
  v["--schemas"] = "schemas";
  v["--out"] = "out";
  v["--fail-rate"] = "0.5";
  v["--status"] = "503";
  v["--delay-ms"] = "20";
  v["--fail-first"] = "3";
  v["--tls-profile"] = "legacy-cbc";
  v["--port-file"] = "port";
  auto o = buildSimOptions(v, false);
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_EQ(o->host, "::1");
  EXPECT_EQ(o->port, 8443);
  EXPECT_EQ(o->verify_ca_path, "sign-ca.crt");
  EXPECT_DOUBLE_EQ(o->faults.fail_rate, 0.5);
  EXPECT_EQ(o->faults.status, 503);
  EXPECT_EQ(o->faults.delay_ms, 20);
  EXPECT_EQ(o->faults.fail_first, 3);
  EXPECT_EQ(o->tls_profile, "legacy-cbc");
}

TEST(SimOptions, UsageErrors) {
  struct Case {
    std::string flag, value, message;
  } cases[] = {
      {"--listen", "127.0.0.1", "--listen needs HOST:PORT (e.g. 127.0.0.1:0), got '127.0.0.1'"},
      {"--listen", "127.0.0.1:70000",
       "--listen port needs a whole number from 0 to 65535, got "
       "'70000'"},
      {"--cert", "", "missing --cert"},
      {"--adapter", "digikoppeling-ebms",
       "--adapter 'digikoppeling-ebms' is not supported "
       "(supported: rest-xml, digikoppeling-wus)"},
      {"--soap-fault", "client", "--soap-fault needs --adapter digikoppeling-wus"},
      {"--fail-rate", "1.5", "--fail-rate needs a number from 0 to 1, got '1.5'"},
      {"--status", "abc", "--status needs a whole number from 100 to 599, got 'abc'"},
      {"--delay-ms", "-1", "--delay-ms needs a whole number from 0 to 600000, got '-1'"},
      {"--schemas", "dir", "--schemas needs --partner (schemas are read from DIR/<partner>/)"},
      {"--partner", "../x", "--partner needs a partner code like 'om', got '../x'"},
  };
  for (const auto& c : cases) {
    auto v = base();
    v[c.flag] = c.value;
    auto o = buildSimOptions(v, false);
    ASSERT_FALSE(o) << c.flag;
    EXPECT_EQ(o.error().message, c.message);
  }
}

TEST(SimOptions, UnknownTlsProfile) {
  auto v = base();
  v["--tls-profile"] = "tls10";
  auto o = buildSimOptions(v, false);
  ASSERT_FALSE(o);
  EXPECT_NE(o.error().message.find("unknown --tls-profile 'tls10'"), std::string::npos);
}

TEST(SimOptions, NoVerifySignature) {
  auto o = buildSimOptions(base(), true);
  ASSERT_TRUE(o);
  EXPECT_FALSE(o->verify_signature);
  EXPECT_EQ(o->verify_ca_path, "");
  auto v = base();
  v["--verify-ca"] = "x.crt";
  EXPECT_FALSE(buildSimOptions(v, true));
}

}  // namespace
}  // namespace hub::sim
