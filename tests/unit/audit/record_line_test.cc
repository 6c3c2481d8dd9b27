// seal() / parseLine() / personHash(): the pure part of the audit trail.
#include "hub/audit/record_line.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "audit_test_support.h"
#include "hub/tls/digest.h"

namespace hub::audit {
namespace {
namespace bj = boost::json;
using namespace test_support;

constexpr std::string_view kHashKey = ",\"hash\":\"";

const char* const kStringFields[] = {"instance",   "oin",     "action",  "outcome",
                                     "message_id", "case_id", "user",    "access_point",
                                     "partner",    "channel", "product", "delivery_id",
                                     "person",     "reason",  "detail"};

std::string hex64(char c) { return std::string(64, c); }

// The line without its '\n', as parseLine takes it.
std::string bare(const Sealed& s) { return s.line.substr(0, s.line.size() - 1); }

TEST(SealTest, RoundTripsEveryField) {
  AuditRecord r = makeRecord(kT0 + 123);
  r.reason = "E_TIMEOUT at /delivery";
  Sealed s = seal(r, testOrigin(), 7, hex64('a'));
  ASSERT_FALSE(s.line.empty());
  EXPECT_EQ(s.line.back(), '\n');
  EXPECT_EQ(std::count(s.line.begin(), s.line.end(), '\n'), 1);

  auto p = parseLine(bare(s));
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_TRUE(p->hash_ok);
  EXPECT_EQ(p->seq, 7);
  EXPECT_EQ(p->prev, hex64('a'));
  EXPECT_EQ(p->hash, s.hash);
  EXPECT_EQ(field(*p, "time"), "2026-12-01T10:00:00.123Z");
  EXPECT_EQ(field(*p, "instance"), "hub-1");
  EXPECT_EQ(field(*p, "oin"), "00000001234567890000");
  EXPECT_EQ(field(*p, "action"), r.action);
  EXPECT_EQ(field(*p, "outcome"), r.outcome);
  EXPECT_EQ(field(*p, "message_id"), r.message_id);
  EXPECT_EQ(field(*p, "case_id"), r.case_id);
  EXPECT_EQ(field(*p, "user"), r.user);
  EXPECT_EQ(field(*p, "access_point"), r.access_point);
  EXPECT_EQ(field(*p, "partner"), r.partner);
  EXPECT_EQ(field(*p, "channel"), r.channel);
  EXPECT_EQ(field(*p, "product"), r.product);
  EXPECT_EQ(field(*p, "delivery_id"), r.delivery_id);
  EXPECT_EQ(field(*p, "person"), r.person);
  EXPECT_EQ(field(*p, "reason"), r.reason);
  EXPECT_EQ(field(*p, "detail"), r.detail);
}

TEST(SealTest, WritesEveryKeyInOneOrderWithTheHashLast) {
  Sealed s = seal(AuditRecord{}, Origin{}, 1, kGenesis);  // all fields empty: keys still present
  auto p = parseLine(bare(s));
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_TRUE(p->hash_ok);
  std::vector<std::string> keys;
  for (const auto& kv : p->fields) keys.emplace_back(kv.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"seq", "time", "instance", "oin", "action", "outcome",
                                            "message_id", "case_id", "user", "access_point",
                                            "partner", "channel", "product", "delivery_id",
                                            "person", "reason", "detail", "prev", "hash"}));
  EXPECT_EQ(s.line.rfind("{\"seq\":1,", 0), 0u) << s.line;
}

TEST(SealTest, HashIsTheSha256OfTheLineBeforeTheHashKey) {
  Sealed s = seal(makeRecord(kT0), testOrigin(), 3, hex64('b'));
  auto pos = s.line.rfind(kHashKey);
  ASSERT_NE(pos, std::string::npos);
  EXPECT_EQ(s.hash, tls::hexEncode(tls::sha256(std::string_view(s.line).substr(0, pos))));
  EXPECT_EQ(s.line.substr(pos), std::string(kHashKey) + s.hash + "\"}\n");
}

TEST(SealTest, IsDeterministicAndCoversSeqAndPrev) {
  AuditRecord r = makeRecord(kT0);
  Sealed a = seal(r, testOrigin(), 5, hex64('c'));
  EXPECT_EQ(a.line, seal(r, testOrigin(), 5, hex64('c')).line);
  EXPECT_NE(a.hash, seal(r, testOrigin(), 6, hex64('c')).hash);
  EXPECT_NE(a.hash, seal(r, testOrigin(), 5, hex64('d')).hash);
  EXPECT_NE(a.hash, seal(r, Origin{"hub-2", testOrigin().oin}, 5, hex64('c')).hash);
  r.at_ms += 1;
  EXPECT_NE(a.hash, seal(r, testOrigin(), 5, hex64('c')).hash);
}

// Every byte before the hash key, changed to another character of its kind: the line is either
// no longer a record at all or its hash no longer matches. Never an intact record.
TEST(ParseLineTest, ChangingAnyByteBeforeTheHashBreaksIt) {
  Sealed s = seal(makeRecord(kT0 + 999), testOrigin(), 12, hex64('e'));
  const std::string line = bare(s);
  const size_t hash_at = line.rfind(kHashKey);
  int changed_values = 0;
  for (size_t i = 0; i < hash_at; ++i) {
    std::string m = line;
    unsigned char c = static_cast<unsigned char>(m[i]);
    if (std::isdigit(c))
      m[i] = c == '9' ? '8' : static_cast<char>(c + 1);
    else if (std::isalpha(c))
      m[i] = c == 'a' ? 'b' : 'a';
    else
      m[i] = c == ' ' ? '_' : ' ';
    auto p = parseLine(m);
    EXPECT_TRUE(!p || !p->hash_ok) << "byte " << i << ": " << m;
    if (p && !p->hash_ok) ++changed_values;
  }
  EXPECT_GT(changed_values, 100);  // most changes keep it parseable: the hash is what catches them
}

TEST(ParseLineTest, ChangingAnyFieldValueKeepsItParseableButNotIntact) {
  Sealed s = seal(makeRecord(kT0), testOrigin(), 2, hex64('1'));
  const std::string line = bare(s);
  for (const char* key : kStringFields) {
    std::string needle = std::string("\"") + key + "\":\"";
    auto at = line.find(needle);
    ASSERT_NE(at, std::string::npos) << key;
    std::string m = line;
    m.insert(at + needle.size(), "X");  // one byte more in the value
    auto p = parseLine(m);
    ASSERT_TRUE(p) << key << ": " << p.error().message;
    EXPECT_FALSE(p->hash_ok) << key;
  }
  // The numbers and the link too.
  std::string m = line;
  m.replace(m.find("\"seq\":2"), 7, "\"seq\":3");
  auto p = parseLine(m);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->seq, 3);
  EXPECT_FALSE(p->hash_ok);
  m = line;
  m.replace(m.find(hex64('1')), 64, hex64('2'));
  p = parseLine(m);
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->hash_ok);
}

TEST(ParseLineTest, AChangedHashDoesNotMatch) {
  Sealed s = seal(makeRecord(kT0), testOrigin(), 1, kGenesis);
  std::string m = bare(s);
  char& c = m[m.size() - 3];  // the hash's last hex digit
  c = c == 'f' ? 'e' : 'f';
  auto p = parseLine(m);
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->hash_ok);
}

void expectRejected(const std::string& line, const std::string& fragment) {
  auto p = parseLine(line);
  ASSERT_FALSE(p) << line;
  EXPECT_NE(p.error().message.find(fragment), std::string::npos)
      << fragment << " | " << p.error().message;
}

TEST(ParseLineTest, RejectsWhatIsNotASealedRecord) {
  const std::string good = bare(seal(makeRecord(kT0), testOrigin(), 4, hex64('f')));
  const std::string h = hex64('a');
  expectRejected("", "no hash");
  expectRejected("hello", "no hash");
  expectRejected("{\"seq\":1,\"prev\":\"" + kGenesis + "\"}", "no hash");
  // Malformed JSON that still contains the hash key: truncated, or with garbage.
  expectRejected(good.substr(0, good.size() - 2), "not a JSON object");
  expectRejected(good.substr(0, good.size() - 1), "not a JSON object");
  expectRejected(good + "}", "not a JSON object");
  expectRejected("[1" + std::string(kHashKey) + h + "\"]", "not a JSON object");
  // The hash not the last field.
  expectRejected("{\"seq\":1,\"prev\":\"" + kGenesis + "\",\"hash\":\"" + h + "\",\"x\":1}",
                 "last field");
  expectRejected(good + " ", "last field");
  expectRejected(good.substr(0, good.size() - 1) + " }", "last field");
  // Missing or mistyped chain fields.
  expectRejected("{\"prev\":\"" + kGenesis + "\",\"hash\":\"" + h + "\"}", "missing");
  expectRejected("{\"seq\":1,\"hash\":\"" + h + "\"}", "missing");
  expectRejected("{\"seq\":\"1\",\"prev\":\"" + kGenesis + "\",\"hash\":\"" + h + "\"}", "missing");
  expectRejected("{\"seq\":1.5,\"prev\":\"" + kGenesis + "\",\"hash\":\"" + h + "\"}", "missing");
  expectRejected("{\"seq\":1,\"prev\":7,\"hash\":\"" + h + "\"}", "missing");
  // Not SHA-256 hex.
  expectRejected("{\"seq\":1,\"prev\":\"" + kGenesis + "\",\"hash\":\"" + hex64('A') + "\"}",
                 "SHA-256");
  expectRejected("{\"seq\":1,\"prev\":\"" + kGenesis + "\",\"hash\":\"" + h.substr(1) + "\"}",
                 "SHA-256");
  expectRejected("{\"seq\":1,\"prev\":\"zz\",\"hash\":\"" + h + "\"}", "SHA-256");
}

TEST(ParseLineTest, AHandMadeLineWithTheRightHashIsIntact) {
  std::string body = "{\"seq\":1,\"prev\":\"" + kGenesis + "\"";
  std::string h = tls::hexEncode(tls::sha256(body));
  auto p = parseLine(body + std::string(kHashKey) + h + "\"}");
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_TRUE(p->hash_ok);
  EXPECT_EQ(p->seq, 1);
}

TEST(SealTest, EscapesOddCharactersAndRoundTrips) {
  AuditRecord r = makeRecord(kT0);
  r.user = "O'Brien \"de\" \\ Vries";
  r.reason = "line one\nline two\r\n\ttabbed";
  r.detail = std::string("nul\0byte", 8) + "\x01\x1f" + "\x7f";
  r.partner = "Patiëntvertrouwenspersoon – Zuid 中文 🚑";
  r.case_id = "Z/2026\\0001";
  r.message_id = "\",\"hash\":\"" + hex64('0') + "\"}";  // looks like the hash key
  r.product = "</script><!--";
  Sealed s = seal(r, testOrigin(), 9, hex64('9'));
  EXPECT_EQ(std::count(s.line.begin(), s.line.end(), '\n'), 1) << s.line;
  EXPECT_EQ(s.line.find('\r'), std::string::npos);
  EXPECT_EQ(s.line.find('\t'), std::string::npos);
  EXPECT_EQ(s.line.find('\0'), std::string::npos);
  auto p = parseLine(bare(s));
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_TRUE(p->hash_ok);
  EXPECT_EQ(p->hash, s.hash);
  EXPECT_EQ(field(*p, "user"), r.user);
  EXPECT_EQ(field(*p, "reason"), r.reason);
  EXPECT_EQ(field(*p, "detail"), r.detail);
  EXPECT_EQ(field(*p, "partner"), r.partner);
  EXPECT_EQ(field(*p, "case_id"), r.case_id);
  EXPECT_EQ(field(*p, "message_id"), r.message_id);
  EXPECT_EQ(field(*p, "product"), r.product);
}

// seal() writes the line itself (not through boost::json::object, for speed): byte for byte
// what Boost.JSON's serializer writes for the same fields, odd characters included.
TEST(SealTest, LineIsWhatBoostJsonWrites) {
  AuditRecord r = makeRecord(kT0);
  r.user = "O'Brien \"de\" \\ Vries /";
  r.reason = "line one\nline two\r\n\ttabbed\b\f";
  r.detail = std::string("nul\0byte", 8) + "\x01\x1f\x7f";
  r.partner = "Patiëntvertrouwenspersoon – Zuid 中文 🚑";
  r.product = "</script><!--";
  Origin o = testOrigin();
  Sealed s = seal(r, o, 12345678901, hex64('a'));
  bj::object obj{{"seq", 12345678901},
                 {"time", bj::value_to<std::string>(parseLine(bare(s))->fields.at("time"))},
                 {"instance", o.instance},
                 {"oin", o.oin},
                 {"action", r.action},
                 {"outcome", r.outcome},
                 {"message_id", r.message_id},
                 {"case_id", r.case_id},
                 {"user", r.user},
                 {"access_point", r.access_point},
                 {"partner", r.partner},
                 {"channel", r.channel},
                 {"product", r.product},
                 {"delivery_id", r.delivery_id},
                 {"person", r.person},
                 {"reason", r.reason},
                 {"detail", r.detail},
                 {"prev", hex64('a')}};
  std::string expected = bj::serialize(obj);
  expected.pop_back();
  EXPECT_EQ(s.line.substr(0, s.line.find(kHashKey)), expected);
}

// A field is cut after 4,096 bytes ("..." follows), never inside a character.
TEST(SealTest, ALongFieldIsCutAtACharacterBoundary) {
  AuditRecord r = makeRecord(kT0);
  r.detail = "x" + std::string(3000, 'y');
  for (int i = 0; i < 1000; ++i) r.detail += "€";  // 3 bytes each
  Sealed s = seal(r, testOrigin(), 1, kGenesis);
  auto p = parseLine(bare(s));
  ASSERT_TRUE(p) << p.error().message;
  std::string d = field(*p, "detail");
  ASSERT_GE(d.size(), 4099u);
  EXPECT_LE(d.size(), 4102u);
  EXPECT_EQ(d.substr(d.size() - 3), "...");
  EXPECT_EQ(d.substr(0, 3001), r.detail.substr(0, 3001));
  EXPECT_EQ(d.substr(d.size() - 6, 3), "€");
}

// What seal() writes, parseLine() reads back: bytes that are not UTF-8 become U+FFFD.
TEST(SealTest, InvalidUtf8InAFieldStillRoundTrips) {
  AuditRecord r = makeRecord(kT0);
  r.message_id = "msg-\xff\xfe-\xc3";
  Sealed s = seal(r, testOrigin(), 1, kGenesis);
  auto p = parseLine(bare(s));
  ASSERT_TRUE(p) << "seal() wrote a line parseLine() cannot read: " << p.error().message;
  EXPECT_TRUE(p->hash_ok);
}

TEST(PersonHashTest, IsTheHexHmacOfTheBsnUnderTheKey) {
  const std::string bsn = "123456782";
  std::string h = personHash("key-1", {bsn});
  EXPECT_EQ(h, tls::hexEncode(tls::hmacSha256("key-1", bsn)));
  EXPECT_EQ(h.size(), 64u);
  EXPECT_TRUE(std::all_of(h.begin(), h.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  })) << h;
}

TEST(PersonHashTest, IsDeterministicAndKeyDependent) {
  EXPECT_EQ(personHash("key-1", {"123456782"}), personHash("key-1", {"123456782"}));
  EXPECT_NE(personHash("key-1", {"123456782"}), personHash("key-2", {"123456782"}));
  EXPECT_NE(personHash("key-1", {"123456782"}), personHash("key-1", {"111222333"}));
  EXPECT_NE(personHash("", {"123456782"}), personHash("key-1", {"123456782"}));
}

TEST(PersonHashTest, NeverContainsTheBsn) {
  const std::vector<std::string> bsns = {"123456782", "111222333", "999999990", "000000000",
                                         "012345678"};
  std::set<std::string> seen;
  for (const auto& key : {"", "k", "trail-key", "123456782"}) {
    for (const auto& b : bsns) {
      std::string h = personHash(key, {b});
      EXPECT_EQ(h.find(b), std::string::npos) << key << " " << b;
      seen.insert(h);
      // And not in the sealed record that carries it either.
      AuditRecord r = makeRecord(kT0);
      r.person = h;
      EXPECT_EQ(seal(r, Origin{"hub-1", "1234"}, 1, hex64('a')).line.find(b), std::string::npos);
    }
  }
  EXPECT_EQ(seen.size(), 4u * bsns.size());  // all distinct
}

TEST(PersonHashTest, JoinsSeveralPersonsInOrder) {
  std::string a = personHash("k", {"123456782"});
  std::string b = personHash("k", {"111222333"});
  EXPECT_EQ(personHash("k", {"123456782", "111222333"}), a + "," + b);
  EXPECT_EQ(personHash("k", {"111222333", "123456782"}), b + "," + a);
  EXPECT_EQ(personHash("k", {}), "");
}

}  // namespace
}  // namespace hub::audit
