#include "adapters/securemail/mail_builder.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "tests/unit/securemail/securemail_test_env.h"

namespace hub::securemail {
namespace {

constexpr const char* kEnDash = "\xE2\x80\x93";

MailFields fields() {
  const ChannelInput in = testing::syntheticInput();
  MailFields f;
  f.from = "ketenhub@gemeente-test.example.nl";
  f.to = "zorg@om-test.example.nl";
  f.message_id_domain = "00000099000000000001";
  f.delivery_id = in.delivery_id;
  f.case_id = in.case_id;
  f.process_step = in.process_step;
  f.product = in.product;
  f.product_sha256 = in.product_sha256;
  f.now_ms = in.now_ms;
  f.contact = {
      "Gemeente S\xC3\xBA"
      "dwest-Frysl\xC3\xA2n (test)",
      "beheer@gemeente-test.example.nl", "+31 20 000 0000"};
  return f;
}

// Wraps the entity the way a signer would, without crypto: enough to test the outer message.
Result<std::string> fakeSign(std::string_view entity) {
  return "MIME-Version: 1.0\r\nContent-Type: multipart/signed; boundary=\"b\"\r\n\r\n--b\r\n" +
         std::string(entity) + "\r\n--b--\r\n";
}

std::string decodeBase64(std::string_view in) {
  static const std::string kTable =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    size_t v = kTable.find(c);
    if (v == std::string::npos) continue;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return out;
}

// Decodes "=?UTF-8?B?...?=" words separated by folding white space.
std::string decodeSubject(const std::string& value) {
  std::string out;
  size_t pos = 0;
  while ((pos = value.find("=?UTF-8?B?", pos)) != std::string::npos) {
    size_t end = value.find("?=", pos + 10);
    out += decodeBase64(value.substr(pos + 10, end - pos - 10));
    pos = end + 2;
  }
  return out;
}

bool crlfOnly(const std::string& s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) return false;
    if (s[i] == '\r' && (i + 1 == s.size() || s[i + 1] != '\n')) return false;
  }
  return true;
}

TEST(MailBuilder, SubjectIsZaakEnDashStepEncodedAndFolded) {
  const std::string encoded = encodeSubject("ZK-2026-000123", "Kennisgeving crisismaatregel");
  EXPECT_EQ(encoded.rfind("=?UTF-8?B?", 0), 0u);
  EXPECT_EQ(decodeSubject(encoded),
            std::string("ZK-2026-000123 ") + kEnDash + " Kennisgeving crisismaatregel");
  // A long step: several encoded words, each line within 78 columns, no UTF-8 sequence split.
  const std::string step =
      "Kennisgeving be\xC3\xABindiging crisismaatregel na beslissing van de "
      "burgemeester over de verplichte zorg";
  const std::string folded = encodeSubject("ZK-1", step);
  EXPECT_NE(folded.find("\r\n "), std::string::npos);
  EXPECT_EQ(decodeSubject(folded), std::string("ZK-1 ") + kEnDash + " " + step);
  size_t start = 0;
  for (size_t eol; (eol = folded.find("\r\n", start)) != std::string::npos; start = eol + 2)
    EXPECT_LE(eol - start + (start == 0 ? 9 : 0), 78u);
  for (size_t p = 0; (p = folded.find("=?UTF-8?B?", p)) != std::string::npos; p += 10) {
    const size_t end = folded.find("?=", p + 10);
    const std::string word = decodeBase64(folded.substr(p + 10, end - p - 10));
    EXPECT_NE(static_cast<unsigned char>(word.front()) & 0xC0, 0x80u) << "split UTF-8 sequence";
  }
}

TEST(MailBuilder, Rfc5322Date) {
  EXPECT_EQ(rfc5322Date(1795331700000), "Sun, 22 Nov 2026 07:15:00 +0000");
  EXPECT_EQ(rfc5322Date(0), "Thu, 01 Jan 1970 00:00:00 +0000");
}

TEST(MailBuilder, QuotedPrintableKeepsCrlfLinesAndEncodesUtf8) {
  EXPECT_EQ(quotedPrintable("caf\xC3\xA9 = 1\r\nend \r\n"), "caf=C3=A9 =3D 1\r\nend=20\r\n");
  const std::string long_line(200, 'a');
  const std::string qp = quotedPrintable(long_line + "\r\n");
  EXPECT_TRUE(crlfOnly(qp));
  size_t start = 0;
  for (size_t eol; (eol = qp.find("\r\n", start)) != std::string::npos; start = eol + 2)
    EXPECT_LE(eol - start, 76u);
  std::string joined = qp;
  for (size_t p; (p = joined.find("=\r\n")) != std::string::npos;) joined.erase(p, 3);
  EXPECT_EQ(joined, long_line + "\r\n");
}

TEST(MailBuilder, WholeMailHasHeadersCrlfAndTheAttachmentInBase64) {
  const MailFields f = fields();
  const std::string product = testing::syntheticProduct();
  auto mail = buildMail(f, product, fakeSign);
  ASSERT_TRUE(mail.has_value()) << mail.error().message;
  EXPECT_TRUE(crlfOnly(*mail));
  EXPECT_EQ(mail->rfind("From: ketenhub@gemeente-test.example.nl\r\n"
                        "To: zorg@om-test.example.nl\r\nSubject: =?UTF-8?B?",
                        0),
            0u);
  EXPECT_NE(mail->find("\r\nDate: Sun, 22 Nov 2026 07:15:00 +0000\r\n"), std::string::npos);
  EXPECT_NE(mail->find("\r\nMessage-ID: <" + f.delivery_id + "@00000099000000000001>\r\n"),
            std::string::npos);
  EXPECT_NE(mail->find("\r\nMIME-Version: 1.0\r\n"), std::string::npos);
  EXPECT_NE(mail->find("Content-Type: multipart/mixed;"), std::string::npos);
  EXPECT_NE(mail->find("Content-Type: text/plain; charset=\"utf-8\""), std::string::npos);
  EXPECT_NE(mail->find("Content-Transfer-Encoding: quoted-printable"), std::string::npos);
  EXPECT_NE(mail->find("filename=\"kennisgeving-crisismaatregel-" + f.delivery_id + ".xml\""),
            std::string::npos);
  // The base64 lines of the attachment decode to the product.
  const size_t cd = mail->find("Content-Disposition: attachment");
  const size_t body = mail->find("\r\n\r\n", cd) + 4;
  const size_t end = mail->find("\r\n--=_ketenhub_", body);
  EXPECT_EQ(decodeBase64(mail->substr(body, end - body)), product);
}

TEST(MailBuilder, NothingFromTheProductInTheTextOrHeaders) {
  const MailFields f = fields();
  auto inner = buildInnerEntity(f, testing::syntheticProduct());
  ASSERT_TRUE(inner.has_value());
  const std::string text = bodyText(f);
  for (const std::string& s : {std::string("999990019"), std::string("Test Persoon"),
                               std::string("betrokkene"), std::string("kennisgeving xmlns")}) {
    EXPECT_EQ(text.find(s), std::string::npos) << s;
    EXPECT_EQ(inner->find(s), std::string::npos) << s;  // the attachment is base64
  }
  EXPECT_NE(text.find(f.product_sha256), std::string::npos);
  EXPECT_NE(text.find(f.case_id), std::string::npos);
  EXPECT_NE(text.find(f.delivery_id), std::string::npos);
  EXPECT_NE(text.find("XML-DSig"), std::string::npos);
  EXPECT_NE(text.find(f.contact.email), std::string::npos);
  EXPECT_NE(text.find(f.contact.phone), std::string::npos);
}

TEST(MailBuilder, RefusesControlCharactersInHeaderValues) {
  auto refused = [](MailFields f) {
    auto r = buildMail(f, "<x/>", fakeSign);
    return !r.has_value() && r.error().code == "invalid_input";
  };
  for (const char* bad : {"ZK-1\r\nBcc: x@example.nl", "ZK-1\n", "ZK\x01", "ZK\x7F", "ZK\xC2\x85",
                          "ZK\xE2\x80\xA8", "ZK\xFF"}) {
    MailFields f = fields();
    f.case_id = bad;
    EXPECT_TRUE(refused(f)) << "case_id";
    f = fields();
    f.process_step = bad;
    EXPECT_TRUE(refused(f)) << "process_step";
    f = fields();
    f.delivery_id = bad;
    EXPECT_TRUE(refused(f)) << "delivery_id";
  }
  MailFields f = fields();
  f.to = "zorg@om.example.nl\r\nBcc: x@example.nl";
  EXPECT_TRUE(refused(f));
  f = fields();
  f.from = "a b@example.nl";
  EXPECT_TRUE(refused(f));
  f = fields();
  f.product = "../etc/passwd";
  EXPECT_TRUE(refused(f));
  // The message names the field, never the value.
  f = fields();
  f.case_id = "ZK-SECRET\r\n";
  auto r = buildMail(f, "<x/>", fakeSign);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message.find("SECRET"), std::string::npos);
}

TEST(MailBuilder, AddressChecks) {
  EXPECT_FALSE(addressProblem("zorg@om-test.example.nl"));
  EXPECT_FALSE(addressProblem("first.last+tag@sub.example.nl"));
  for (const char* bad : {"", "no-at.example.nl", "a@b@example.nl", "a@localhost", ".a@example.nl",
                          "a..b@example.nl", "a@-x.example.nl", "a@x..nl", "a b@example.nl",
                          "a@example.nl\r\n", "<a@example.nl>", "\xC3\xA9@example.nl"}) {
    EXPECT_TRUE(addressProblem(bad)) << bad;
  }
}

TEST(MailBuilder, RepeatableAndSafeFromSeveralThreads) {
  const MailFields f = fields();
  const std::string product = testing::syntheticProduct();
  const std::string first = *buildMail(f, product, fakeSign);
  std::vector<std::thread> threads;
  std::vector<int> same(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        auto m = buildMail(f, product, fakeSign);
        same[t] += m && *m == first;
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int s : same) EXPECT_EQ(s, 50);
}

}  // namespace
}  // namespace hub::securemail
