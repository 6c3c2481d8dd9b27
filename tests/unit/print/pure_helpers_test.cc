// The print channel's pure parts: manifest, letter date, multipart body, outcome classification.
#include <gtest/gtest.h>

#include "adapters/print/letter_date.h"
#include "adapters/print/manifest.h"
#include "adapters/print/print_http.h"

namespace hub::adapters::print {
namespace {

Manifest sample() {
  Manifest m;
  m.recipient = {"Openbaar Ministerie", "Postbus 850", "3500 AW Utrecht"};
  m.partner = "om";
  m.product = "kennisgeving-crisismaatregel";
  m.zaaknummer = "CM-0344-2026-000123";
  m.delivery_id = "74b081c5";
  m.pages = 2;
  m.pdf_sha256 = std::string(64, 'a');
  m.pdf_file = "om-74b081c5.pdf";
  m.product_sha256 = std::string(64, 'b');
  m.created_at = "2026-11-22T07:15:00.000Z";
  m.enclosures = {{"besluit", "besluit-crisismaatregel.pdf", std::string(64, 'c'), 1},
                  {"medische-verklaring", "medische-verklaring.pdf", std::string(64, 'd'), 3}};
  return m;
}

TEST(Manifest, RoundTripsInAFixedKeyOrder) {
  const std::string json = manifestJson(sample());
  EXPECT_EQ(json.find("{\"recipient\":[\"Openbaar Ministerie\""), 0u);
  EXPECT_LT(json.find("\"pages\":2"), json.find("\"pdf_sha256\""));
  auto back = parseManifest(json);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, sample());
  EXPECT_FALSE(parseManifest("{}"));
  EXPECT_FALSE(parseManifest("[1]"));
  EXPECT_FALSE(parseManifest("not json"));
}

TEST(Manifest, ListsTheEnclosuresLast) {
  const std::string json = manifestJson(sample());
  EXPECT_NE(json.find(",\"created_at\":\"2026-11-22T07:15:00.000Z\",\"enclosures\":[{\"soort\":"
                      "\"besluit\",\"bestandsnaam\":\"besluit-crisismaatregel.pdf\",\"sha256\":\"" +
                      std::string(64, 'c') + "\",\"pages\":1},"),
            std::string::npos)
      << json;
  Manifest none = sample();
  none.enclosures.clear();
  EXPECT_NE(manifestJson(none).find("\"enclosures\":[]}"), std::string::npos);
  EXPECT_EQ(*parseManifest(manifestJson(none)), none);
  // Each enclosure has exactly its four fields.
  std::string bad = json;
  bad.replace(bad.find("\"pages\":3"), 9, "\"pages\":0");
  EXPECT_FALSE(parseManifest(bad));
  bad = json;
  bad.replace(bad.find(",\"pages\":3"), 10, "");
  EXPECT_FALSE(parseManifest(bad));
}

TEST(LetterDate, DutchCalendarDayAcrossDaylightSaving) {
  // 2026-11-22T07:15:00Z -> CET.
  EXPECT_EQ(amsterdamDate(1795331700000), "2026-11-22");
  EXPECT_EQ(amsterdamOffsetSeconds(1795331700000), 3600);
  // 2026-11-21T23:30:00Z is already the 22nd in Utrecht.
  EXPECT_EQ(amsterdamDate(1795303800000), "2026-11-22");
  // 2026-07-01T22:30:00Z: CEST, the 2nd of July.
  EXPECT_EQ(amsterdamDate(1782945000000), "2026-07-02");
  // DST starts 2026-03-29 01:00 UTC and ends 2026-10-25 01:00 UTC.
  EXPECT_EQ(amsterdamOffsetSeconds(1774745999000), 3600);
  EXPECT_EQ(amsterdamOffsetSeconds(1774746000000), 7200);
  EXPECT_EQ(amsterdamOffsetSeconds(1792889999000), 7200);
  EXPECT_EQ(amsterdamOffsetSeconds(1792890000000), 3600);
  EXPECT_EQ(pdfDate(1795331700123), "2026-11-22T07:15:00Z");
}

TEST(PrintHttp, MultipartBodyHasBothParts) {
  const std::string b = multipartBoundary("%PDF", "{}");
  EXPECT_EQ(b.size(), 49u);
  EXPECT_EQ(b, multipartBoundary("%PDF", "{}"));
  EXPECT_NE(b, multipartBoundary("%PDF", "{ }"));
  const std::string body = multipartBody(b, "om-1", "%PDF", "{}");
  EXPECT_EQ(body, "--" + b +
                      "\r\nContent-Disposition: form-data; name=\"letter\"; "
                      "filename=\"om-1.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF\r\n--" +
                      b +
                      "\r\nContent-Disposition: form-data; name=\"manifest\"; "
                      "filename=\"om-1.json\"\r\nContent-Type: application/json\r\n\r\n{}\r\n--" +
                      b + "--\r\n");
}

curl::HttpResult status(int s) {
  curl::HttpResult r;
  r.http_status = s;
  return r;
}

TEST(PrintHttp, Classification) {
  EXPECT_EQ(classifyPrintService(status(201)).kind, OutcomeKind::kDelivered);
  for (int s : {408, 425, 429, 500, 503}) {
    EXPECT_EQ(classifyPrintService(status(s)).kind, OutcomeKind::kRetryable) << s;
  }
  for (int s : {400, 401, 403, 404, 413, 301, 101}) {
    EXPECT_EQ(classifyPrintService(status(s)).kind, OutcomeKind::kPermanent) << s;
  }
  auto limited = status(429);
  limited.retry_after = "120";
  EXPECT_EQ(classifyPrintService(limited).retry_after_seconds, 120);
  EXPECT_EQ(classifyPrintService(status(700)).kind, OutcomeKind::kRetryable);
  curl::HttpResult refused;
  refused.curl_code = 7;
  refused.transport = curl::TransportError::kConnectRefused;
  Outcome o = classifyPrintService(refused);
  EXPECT_EQ(o.kind, OutcomeKind::kRetryable);
  EXPECT_EQ(o.reason, "connect: refused");
}

}  // namespace
}  // namespace hub::adapters::print
