#include "hub/curl/http_outcome.h"

#include <gtest/gtest.h>

#include <string>

namespace hub::curl {
namespace {

// 2015-10-21 07:28:00 GMT
constexpr int64_t kNowMs = 1445412480000;

HttpResult http(int status, std::string body = "", std::optional<std::string> retry_after = {}) {
  HttpResult r;
  r.http_status = status;
  r.body = std::move(body);
  r.retry_after = std::move(retry_after);
  r.received_at_ms = kNowMs;
  return r;
}

HttpResult transport(int curl_code, TransportError e, std::string detail, bool tls = false) {
  HttpResult r;
  r.curl_code = curl_code;
  r.transport = e;
  r.curl_error = std::move(detail);
  r.tls_error = tls;
  return r;
}

struct StatusRow {
  int status;
  OutcomeKind kind;
  const char* reason;
};

TEST(OutcomeClassifierTest, EveryStatusClass) {
  const StatusRow rows[] = {
      {100, OutcomeKind::kPermanent, "HTTP 100: unexpected informational status"},
      {199, OutcomeKind::kPermanent, "HTTP 199: unexpected informational status"},
      {200, OutcomeKind::kDelivered, "HTTP 200"},
      {201, OutcomeKind::kDelivered, "HTTP 201"},
      {202, OutcomeKind::kDelivered, "HTTP 202"},
      {204, OutcomeKind::kDelivered, "HTTP 204"},
      {299, OutcomeKind::kDelivered, "HTTP 299"},
      {300, OutcomeKind::kPermanent, "HTTP 300: redirect not followed"},
      {301, OutcomeKind::kPermanent, "HTTP 301: redirect not followed"},
      {302, OutcomeKind::kPermanent, "HTTP 302: redirect not followed"},
      {304, OutcomeKind::kPermanent, "HTTP 304: redirect not followed"},
      {307, OutcomeKind::kPermanent, "HTTP 307: redirect not followed"},
      {308, OutcomeKind::kPermanent, "HTTP 308: redirect not followed"},
      {400, OutcomeKind::kPermanent, "HTTP 400"},
      {401, OutcomeKind::kPermanent, "HTTP 401"},
      {403, OutcomeKind::kPermanent, "HTTP 403"},
      {404, OutcomeKind::kPermanent, "HTTP 404"},
      {405, OutcomeKind::kPermanent, "HTTP 405"},
      {407, OutcomeKind::kPermanent, "HTTP 407"},
      {408, OutcomeKind::kRetryable, "HTTP 408"},
      {409, OutcomeKind::kPermanent, "HTTP 409"},
      {410, OutcomeKind::kPermanent, "HTTP 410"},
      {413, OutcomeKind::kPermanent, "HTTP 413"},
      {415, OutcomeKind::kPermanent, "HTTP 415"},
      {422, OutcomeKind::kPermanent, "HTTP 422"},
      {424, OutcomeKind::kPermanent, "HTTP 424"},
      {425, OutcomeKind::kRetryable, "HTTP 425"},
      {426, OutcomeKind::kPermanent, "HTTP 426"},
      {429, OutcomeKind::kRetryable, "HTTP 429"},
      {451, OutcomeKind::kPermanent, "HTTP 451"},
      {499, OutcomeKind::kPermanent, "HTTP 499"},
      {500, OutcomeKind::kRetryable, "HTTP 500"},
      {501, OutcomeKind::kRetryable, "HTTP 501"},
      {502, OutcomeKind::kRetryable, "HTTP 502"},
      {503, OutcomeKind::kRetryable, "HTTP 503"},
      {504, OutcomeKind::kRetryable, "HTTP 504"},
      {599, OutcomeKind::kRetryable, "HTTP 599"},
      {600, OutcomeKind::kRetryable, "HTTP 600: invalid status"},
      {99, OutcomeKind::kRetryable, "HTTP 99: invalid status"},
  };
  for (const auto& row : rows) {
    Outcome o = classifyHttp(http(row.status));
    EXPECT_EQ(o.kind, row.kind) << row.status;
    EXPECT_EQ(o.reason, row.reason) << row.status;
    EXPECT_EQ(o.http_status, row.status) << row.status;
  }
}

TEST(OutcomeClassifierTest, EveryStatusFrom100To599IsClassified) {
  for (int s = 100; s <= 599; ++s) {
    Outcome o = classifyHttp(http(s));
    bool transient = s == 408 || s == 425 || s == 429 || s >= 500;
    OutcomeKind want = (s >= 200 && s < 300) ? OutcomeKind::kDelivered
                       : transient           ? OutcomeKind::kRetryable
                                             : OutcomeKind::kPermanent;
    ASSERT_EQ(o.kind, want) << s;
    ASSERT_EQ(o.reason.rfind("HTTP " + std::to_string(s), 0), 0u) << s;
  }
}

TEST(OutcomeClassifierTest, DeliveredKeepsTheReceiptBounded) {
  Outcome small = classifyHttp(http(200, "<ontvangstbevestiging/>"));
  EXPECT_EQ(small.receipt, "<ontvangstbevestiging/>");
  Outcome big = classifyHttp(http(200, std::string(kMaxReceiptBytes + 10, 'x')));
  EXPECT_EQ(big.receipt.size(), kMaxReceiptBytes);
  // Never cut a UTF-8 sequence in two: "é" straddling the limit is dropped whole.
  std::string body(kMaxReceiptBytes - 1, 'a');
  body += "\xc3\xa9tail";
  Outcome utf8 = classifyHttp(http(200, body));
  EXPECT_EQ(utf8.receipt.size(), kMaxReceiptBytes - 1);
  // Non-2xx never carries a receipt.
  EXPECT_TRUE(classifyHttp(http(500, "stack trace")).receipt.empty());
}

TEST(OutcomeClassifierTest, RetryAfterDeltaSeconds) {
  EXPECT_EQ(classifyHttp(http(503, "", "120")).retry_after_seconds, 120);
  EXPECT_EQ(classifyHttp(http(429, "", " 7 ")).retry_after_seconds, 7);
  EXPECT_EQ(classifyHttp(http(503, "", "0")).retry_after_seconds, 0);
  EXPECT_EQ(classifyHttp(http(503, "", "99999999999999999999999")).retry_after_seconds,
            1000000000L);
  EXPECT_EQ(classifyHttp(http(503)).retry_after_seconds, std::nullopt);
  EXPECT_EQ(classifyHttp(http(503, "", "-5")).retry_after_seconds, std::nullopt);
  EXPECT_EQ(classifyHttp(http(503, "", "1.5")).retry_after_seconds, std::nullopt);
  EXPECT_EQ(classifyHttp(http(503, "", "soon")).retry_after_seconds, std::nullopt);
  EXPECT_EQ(classifyHttp(http(503, "", "")).retry_after_seconds, std::nullopt);
}

TEST(OutcomeClassifierTest, RetryAfterOnlyOnTransientStatuses) {
  EXPECT_EQ(classifyHttp(http(400, "", "120")).retry_after_seconds, std::nullopt);
  EXPECT_EQ(classifyHttp(http(200, "", "120")).retry_after_seconds, std::nullopt);
}

TEST(OutcomeClassifierTest, RetryAfterHttpDateRelativeToReceivedAt) {
  EXPECT_EQ(classifyHttp(http(503, "", "Wed, 21 Oct 2015 07:30:00 GMT")).retry_after_seconds, 120);
  EXPECT_EQ(classifyHttp(http(503, "", "Wed, 21 Oct 2015 07:00:00 GMT")).retry_after_seconds,
            0);  // in the past
}

TEST(OutcomeClassifierTest, RetryAfterHttpDatePrefersTheServersDateHeader) {
  HttpResult r = http(503, "", "Wed, 21 Oct 2015 07:30:00 GMT");
  r.date = "Wed, 21 Oct 2015 07:29:00 GMT";  // the partner's clock lags ours by a minute
  EXPECT_EQ(classifyHttp(r).retry_after_seconds, 60);
  r.date = "garbage";  // unusable: fall back to when we received it
  EXPECT_EQ(classifyHttp(r).retry_after_seconds, 120);
}

TEST(OutcomeClassifierTest, HttpDateFormats) {
  const int64_t t = 784111777;  // 1994-11-06 08:49:37 GMT
  EXPECT_EQ(parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"), t);
  EXPECT_EQ(parseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT"), t);
  EXPECT_EQ(parseHttpDate("Sun Nov  6 08:49:37 1994"), t);
  EXPECT_EQ(parseHttpDate("Thu, 01 Jan 1970 00:00:00 GMT"), 0);
  EXPECT_EQ(parseHttpDate("Thu, 29 Feb 2024 12:00:00 GMT"), 1709208000);
  EXPECT_EQ(parseHttpDate("Thursday, 01-Jan-15 00:00:00 GMT"), 1420070400);
  EXPECT_EQ(parseHttpDate("Sun, 06 Nov 1994 08:49:37 UTC"), std::nullopt);
  EXPECT_EQ(parseHttpDate("Sun, 6 Nov 1994 08:49:37 GMT"), std::nullopt);
  EXPECT_EQ(parseHttpDate("Sun, 06 Foo 1994 08:49:37 GMT"), std::nullopt);
  EXPECT_EQ(parseHttpDate("Sun, 31 Nov 1994 08:49:37 GMT"), std::nullopt);
  EXPECT_EQ(parseHttpDate("Thu, 29 Feb 2023 12:00:00 GMT"), std::nullopt);
  EXPECT_EQ(parseHttpDate("Sun, 06 Nov 1994 24:00:00 GMT"), std::nullopt);
  EXPECT_EQ(parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT trailing"), std::nullopt);
  EXPECT_EQ(parseHttpDate(""), std::nullopt);
}

struct TransportRow {
  HttpResult result;
  const char* reason;
};

TEST(OutcomeClassifierTest, TransportFailuresAreRetryableWithPreciseReasons) {
  const TransportRow rows[] = {
      {transport(6, TransportError::kDns, ""), "dns: could not resolve host (curl error 6)"},
      {transport(7, TransportError::kConnectRefused, ""), "connect: refused (curl error 7)"},
      {transport(7, TransportError::kConnect, "No route to host"),
       "connect: failed (No route to host)"},
      {transport(28, TransportError::kTimeout, "Operation timed out after 30000 milliseconds"),
       "timeout (Operation timed out after 30000 milliseconds)"},
      {transport(60, TransportError::kTlsVerify, "unable to get local issuer certificate", true),
       "tls: certificate verify failed (unable to get local issuer certificate)"},
      {transport(90, TransportError::kTlsPin, "none of 2 pins matched", true),
       "tls: SPKI pin mismatch (none of 2 pins matched)"},
      {transport(60, TransportError::kTlsPeerIdentity,
                 "server certificate OIN 00000001111111111000, expected 00000001222222222000",
                 true),
       "tls: server certificate OIN 00000001111111111000, expected 00000001222222222000"},
      {transport(35, TransportError::kTlsHandshake, "no shared cipher", true),
       "tls: handshake failed (no shared cipher)"},
      {transport(55, TransportError::kSend, "Connection reset by peer"),
       "send: failed (Connection reset by peer)"},
      {transport(56, TransportError::kReceive, ""), "receive: failed (curl error 56)"},
      {transport(99, TransportError::kOther, "weird"), "transport: failed (weird)"},
      // Filled without a TransportError: still retryable, still explained.
      {transport(35, TransportError::kNone, "alert", true), "tls: handshake failed (alert)"},
      {transport(3, TransportError::kNone, ""), "transport: failed (curl error 3)"},
      {transport(0, TransportError::kNone, ""), "transport: failed (no HTTP response)"},
  };
  for (const auto& row : rows) {
    Outcome o = classifyHttp(row.result);
    EXPECT_EQ(o.kind, OutcomeKind::kRetryable) << row.reason;
    EXPECT_EQ(o.reason, row.reason);
    EXPECT_EQ(o.http_status, 0);
    EXPECT_EQ(o.retry_after_seconds, std::nullopt);
  }
}

TEST(OutcomeClassifierTest, TransportDetailIsBounded) {
  Outcome o = classifyHttp(transport(7, TransportError::kConnect, std::string(5000, 'e')));
  EXPECT_LT(o.reason.size(), 300u);
}

}  // namespace
}  // namespace hub::curl
