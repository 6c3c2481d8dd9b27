// Digests, HMAC and base64 decoding (hub/tls/digest.h).
#include "hub/tls/digest.h"

#include <gtest/gtest.h>

namespace hub::tls {
namespace {

TEST(Base64Test, DecodesWithAndWithoutLineBreaks) {
  EXPECT_EQ(base64Decode("JVBERi0xLjQK"), "%PDF-1.4\n");
  EXPECT_EQ(base64Decode("JVBE\nRi0x\r\nLjQK"), "%PDF-1.4\n");
  EXPECT_EQ(base64Decode("YQ=="), "a");
  EXPECT_EQ(base64Decode("YWI="), "ab");
  EXPECT_EQ(base64Decode(""), "");
}

TEST(Base64Test, RefusesWhatIsNotBase64) {
  EXPECT_FALSE(base64Decode("YQ"));        // padding missing
  EXPECT_FALSE(base64Decode("Y*=="));      // not in the alphabet
  EXPECT_FALSE(base64Decode("YQ==YWI="));  // padding in the middle
  EXPECT_FALSE(base64Decode("abc"));
}

TEST(Base64Test, LargeInputRoundTrips) {
  std::string b64;
  for (int i = 0; i < 800000; ++i) b64 += "QUJD";  // "ABC" x 800k: 3.2 MB of base64
  auto out = base64Decode(b64);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->size(), 2400000u);
  EXPECT_EQ(out->substr(0, 6), "ABCABC");
}

TEST(HmacTest, KnownVector) {
  // RFC 4231 test case 2.
  EXPECT_EQ(hexEncode(hmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

}  // namespace
}  // namespace hub::tls
