#include "hub/admin/tokens.h"

#include <gtest/gtest.h>

#include "hub/admin/endpoints.h"

namespace hub::admin {
namespace {

TEST(TokenStore, RefusesATokenInClearAndNamesTheLine) {
  auto t = TokenStore::parse("ok viewer sha256:" + std::string(64, 'a') +
                             "\nalice operator s3cret-token\n");
  ASSERT_FALSE(t);
  EXPECT_NE(t.error().message.find("line 2"), std::string::npos);
  EXPECT_EQ(t.error().message.find("s3cret"), std::string::npos);  // never echoes a token
}

TEST(TokenStore, AWrongOrMalformedAuthorizationIsNobody) {
  auto t = TokenStore::parse(
      "bob viewer sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n");
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_FALSE(t->authenticate("Bearer abd"));
  EXPECT_FALSE(t->authenticate("Basic abc"));
  EXPECT_FALSE(t->authenticate("Bearer "));
  EXPECT_FALSE(t->authenticate(""));
}

TEST(TokenStore, MatchesTheSha256OfTheBearerToken) {
  // sha256("abc") is well known.
  auto t = TokenStore::parse(
      "bob viewer sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n");
  ASSERT_TRUE(t) << t.error().message;
  auto who = t->authenticate("Bearer abc");
  ASSERT_TRUE(who);
  EXPECT_EQ(who->name, "bob");
  EXPECT_EQ(who->role, Role::kViewer);
}

TEST(Query, DecodesAndRefusesControlCharacters) {
  auto q = parseQuery("state=dead&case=CM%2D1&x=a+b");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->at("state"), "dead");
  EXPECT_EQ(q->at("case"), "CM-1");
  EXPECT_EQ(q->at("x"), "a b");
  EXPECT_FALSE(parseQuery("a=%0d%0a"));
  EXPECT_FALSE(parseQuery("a=%zz"));
  EXPECT_FALSE(parseQuery("a=%4"));
}

TEST(Route, TheAuthMatrix) {
  auto tokens = TokenStore::parse(
      "bob viewer sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n");
  ASSERT_TRUE(tokens);
  auto ok = [](const Call& c) { return json(200, "{\"who\":\"" + c.who.name + "\"}"); };
  std::vector<Endpoint> table = {{"GET", "/healthz", Role::kNone, "", ok},
                                 {"GET", "/api/v1/things/{id}", Role::kViewer, "", ok},
                                 {"POST", "/api/v1/things/{id}/replay", Role::kOperator, "", ok}};
  auto call = [&](const char* method, const char* target, const char* auth, const TokenStore* t) {
    HttpRequest r;
    r.method = method;
    r.target = target;
    if (auth) r.headers.push_back({"Authorization", auth});
    return route(table, r, t).status;
  };
  EXPECT_EQ(call("GET", "/healthz", nullptr, &*tokens), 200);
  EXPECT_EQ(call("GET", "/api/v1/things/1", nullptr, &*tokens), 401);
  EXPECT_EQ(call("GET", "/api/v1/things/1", "Bearer abc", &*tokens), 200);
  EXPECT_EQ(call("POST", "/api/v1/things/1/replay", "Bearer abc", &*tokens), 403);
  EXPECT_EQ(call("DELETE", "/api/v1/things/1", "Bearer abc", &*tokens), 405);
  EXPECT_EQ(call("GET", "/nope", nullptr, &*tokens), 404);
  // Without a tokens file: reads are open on the loopback listener, actions refused.
  EXPECT_EQ(call("GET", "/api/v1/things/1", nullptr, nullptr), 200);
  EXPECT_EQ(call("POST", "/api/v1/things/1/replay", nullptr, nullptr), 403);
}

}  // namespace
}  // namespace hub::admin
