#include "tools/partner_sim/request_check.h"

#include <gtest/gtest.h>

namespace hub::sim {
namespace {

SimRequest validRequest() {
  SimRequest r;
  r.method = "POST";
  r.target = "/deliver";
  r.headers = {{"content-type", "application/xml; charset=utf-8"},
               {"x-message-id", "3f2c1a8e-5b7d-5c1e-9a4f-0d2b6e8c7a11"},
               {"x-case-id", "Z-2026-000123"},
               {"x-event-type", "crisismaatregel.genomen"},
               {"x-product", "crisismaatregel"}};
  r.body = "<a/>";
  return r;
}

TEST(ClassifyRoute, EveryPathDeliversExceptHealth) {
  EXPECT_EQ(classifyRoute("POST", "/"), RouteKind::kDeliver);
  EXPECT_EQ(classifyRoute("POST", "/deliver"), RouteKind::kDeliver);
  EXPECT_EQ(classifyRoute("POST", "/om/kennisgevingen?x=1"), RouteKind::kDeliver);
  EXPECT_EQ(classifyRoute("GET", "/deliver"), RouteKind::kMethodNotAllowed);
  EXPECT_EQ(classifyRoute("PUT", "/"), RouteKind::kMethodNotAllowed);
  EXPECT_EQ(classifyRoute("GET", "/healthz"), RouteKind::kHealth);
  EXPECT_EQ(classifyRoute("GET", "/healthz?verbose"), RouteKind::kHealth);
  EXPECT_EQ(classifyRoute("POST", "/healthz"), RouteKind::kMethodNotAllowed);
  EXPECT_EQ(classifyRoute("GET", "/stats"), RouteKind::kStats);
  EXPECT_EQ(classifyRoute("POST", "/stats"), RouteKind::kMethodNotAllowed);
  EXPECT_EQ(classifyRoute("OPTIONS", "*"), RouteKind::kNotFound);
  EXPECT_EQ(classifyRoute("POST", "https://localhost/x"), RouteKind::kNotFound);
}

TEST(ContentType, AcceptsXmlUtf8Variants) {
  EXPECT_TRUE(isXmlUtf8ContentType("application/xml; charset=utf-8"));
  EXPECT_TRUE(isXmlUtf8ContentType("application/xml;charset=UTF-8"));
  EXPECT_TRUE(isXmlUtf8ContentType("Application/XML ; charset=\"utf-8\""));
  EXPECT_FALSE(isXmlUtf8ContentType("application/xml"));
  EXPECT_FALSE(isXmlUtf8ContentType("text/xml; charset=utf-8"));
  EXPECT_FALSE(isXmlUtf8ContentType("application/xml; charset=iso-8859-1"));
  EXPECT_FALSE(isXmlUtf8ContentType("application/xml; boundary=utf-8"));
}

TEST(SafeName, FileNameRules) {
  EXPECT_TRUE(isSafeName("3f2c1a8e-5b7d-5c1e-9a4f-0d2b6e8c7a11"));
  EXPECT_TRUE(isSafeName("urn:uuid:abc"));
  EXPECT_FALSE(isSafeName(""));
  EXPECT_FALSE(isSafeName(".hidden"));
  EXPECT_FALSE(isSafeName("../etc/passwd"));
  EXPECT_FALSE(isSafeName("a/b"));
  EXPECT_FALSE(isSafeName("a b"));
  EXPECT_FALSE(isSafeName(std::string(129, 'a')));
}

TEST(CheckHeaders, ValidRequest) {
  auto h = checkRestXmlHeaders(validRequest(), true);
  ASSERT_TRUE(h) << h.error().message;
  EXPECT_EQ(h->message_id, "3f2c1a8e-5b7d-5c1e-9a4f-0d2b6e8c7a11");
  EXPECT_EQ(h->case_id, "Z-2026-000123");
  EXPECT_EQ(h->event_type, "crisismaatregel.genomen");
  EXPECT_EQ(h->product, "crisismaatregel");
}

TEST(CheckHeaders, MessageIdIsRequiredAndSafe) {
  SimRequest r = validRequest();
  r.headers.erase(r.headers.begin() + 1);
  auto h = checkRestXmlHeaders(r, false);
  ASSERT_FALSE(h);
  EXPECT_EQ(h.error().message, "header X-Message-Id: missing");
  r = validRequest();
  r.headers[1].second = "../../x";
  h = checkRestXmlHeaders(r, false);
  ASSERT_FALSE(h);
  EXPECT_EQ(h.error().message.rfind("header X-Message-Id: must be", 0), 0u);
}

TEST(CheckHeaders, RepeatedHeaderIsRefused) {
  SimRequest r = validRequest();
  r.headers.emplace_back("x-message-id", "other");
  auto h = checkRestXmlHeaders(r, false);
  ASSERT_FALSE(h);
  EXPECT_EQ(h.error().message, "header x-message-id: repeated");
}

TEST(CheckHeaders, ContentTypeMustBeXmlUtf8) {
  SimRequest r = validRequest();
  r.headers[0].second = "application/json";
  auto h = checkRestXmlHeaders(r, false);
  ASSERT_FALSE(h);
  EXPECT_EQ(h.error().message,
            "header Content-Type: expected application/xml; charset=utf-8, got 'application/json'");
  r.headers.erase(r.headers.begin());
  h = checkRestXmlHeaders(r, false);
  ASSERT_FALSE(h);
  EXPECT_EQ(h.error().message, "header Content-Type: missing");
}

TEST(CheckHeaders, ProductOptionalUnlessRequired) {
  SimRequest r = validRequest();
  r.headers.pop_back();
  auto h = checkRestXmlHeaders(r, false);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->product, "");
  h = checkRestXmlHeaders(r, true);
  ASSERT_FALSE(h);
  EXPECT_EQ(h.error().message, "header X-Product: missing");
}

TEST(CheckHeaders, TextHeadersArePrintableAscii) {
  SimRequest r = validRequest();
  r.headers[2].second = "Z\x01";
  auto h = checkRestXmlHeaders(r, false);
  ASSERT_FALSE(h);
  EXPECT_EQ(h.error().message, "header X-Case-Id: not printable ASCII");
}

TEST(RedactQuoted, HidesQuotedValues) {
  EXPECT_EQ(redactQuoted("Element 'bsn': '123456782' is not valid"),
            "Element '\xE2\x80\xA6': '\xE2\x80\xA6' is not valid");
  EXPECT_EQ(redactQuoted("no quotes"), "no quotes");
  EXPECT_EQ(redactQuoted("open \"secret"), "open \"\xE2\x80\xA6");
}

}  // namespace
}  // namespace hub::sim
