#include "hub/curl/client_settings.h"

#include <gtest/gtest.h>

namespace hub::curl {
namespace {

TEST(NormalizePinTest, AcceptsBareAndPrefixedBase64Sha256) {
  const std::string b64 = "9QWhv6DALZZqKTuD0roEHEcnBWIn+fAKoQTB7YnyKUk=";
  EXPECT_EQ(normalizePin(b64).value(), "sha256//" + b64);
  EXPECT_EQ(normalizePin("sha256//" + b64).value(), "sha256//" + b64);
}

TEST(NormalizePinTest, RejectsAnythingElse) {
  for (const char* bad : {"", "sha256//", "abc", "9QWhv6DALZZqKTuD0roEHEcnBWIn+fAKoQTB7YnyKUk",
                          "9QWhv6DALZZqKTuD0roEHEcnBWIn+fAKoQTB7YnyKU==",
                          "9QWhv6DALZZqKTuD0roEHEcnBWIn+fAKoQTB7Yny!Uk=",
                          "sha1//9QWhv6DALZZqKTuD0roEHEcnBWIn+fAKoQTB7YnyKUk="}) {
    auto r = normalizePin(bad);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_EQ(r.error().code, "config");
    }
  }
}

}  // namespace
}  // namespace hub::curl
