// The one parser for listener addresses and AMQP URLs (hub/config/endpoint.h).
#include "hub/config/endpoint.h"

#include <gtest/gtest.h>

namespace hub::config {
namespace {

std::string errorOf(std::string_view text, PortUse use = PortUse::kListen) {
  auto r = parseHostPort(text, use);
  return r ? "" : r.error().message;
}

std::string urlErrorOf(Result<AmqpUrl> r) { return r ? "" : r.error().message; }

TEST(HostPort, GoodForms) {
  auto v4 = parseHostPort("127.0.0.1:8081", PortUse::kListen);
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 8081);
  EXPECT_TRUE(v4->numeric);
  EXPECT_FALSE(v4->ipv6);
  EXPECT_TRUE(v4->isLoopback());
  EXPECT_EQ(v4->hostPort(), "127.0.0.1:8081");

  auto v6 = parseHostPort("[::1]:65535", PortUse::kListen);
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 65535);
  EXPECT_TRUE(v6->ipv6);
  EXPECT_TRUE(v6->isLoopback());
  EXPECT_EQ(v6->hostPort(), "[::1]:65535");

  auto any = parseHostPort("localhost:0", PortUse::kListen);  // 0: any free port
  ASSERT_TRUE(any);
  EXPECT_EQ(any->port, 0);
  EXPECT_FALSE(any->numeric);
  EXPECT_TRUE(any->isLoopback());

  auto name = parseHostPort("broker-1.example.nl:5672", PortUse::kConnect);
  ASSERT_TRUE(name);
  EXPECT_EQ(name->host, "broker-1.example.nl");
  EXPECT_FALSE(name->isLoopback());
  EXPECT_TRUE(parseHostPort("0.0.0.0:80", PortUse::kListen));
  EXPECT_FALSE(parseHostPort("0.0.0.0:80", PortUse::kListen)->isLoopback());
  EXPECT_TRUE(parseHostPort("[2001:db8::7]:443", PortUse::kConnect));
  EXPECT_TRUE(parseHostPort("127.0.0.1:00080", PortUse::kListen));
}

TEST(HostPort, PortErrors) {
  EXPECT_EQ(errorOf("127.0.0.1:abc"), "the port must be a number 0..65535");
  EXPECT_EQ(errorOf("127.0.0.1:80x"), "the port must be a number 0..65535");
  EXPECT_EQ(errorOf("127.0.0.1:+80"), "the port must be a number 0..65535");
  EXPECT_EQ(errorOf("127.0.0.1: 80"), "the port must be a number 0..65535");
  EXPECT_EQ(errorOf("127.0.0.1:-1"), "the port must be a number 0..65535");
  EXPECT_EQ(errorOf("127.0.0.1:123456"), "the port must be a number 0..65535");
  EXPECT_EQ(errorOf("127.0.0.1:65536"), "port 65536 is out of range 0..65535");
  EXPECT_EQ(errorOf("127.0.0.1:99999"), "port 99999 is out of range 0..65535");
  EXPECT_EQ(errorOf("127.0.0.1:"), "has an empty port (0..65535)");
  EXPECT_EQ(errorOf("127.0.0.1"), "has no port (expected HOST:PORT)");
  EXPECT_EQ(errorOf("[::1]"), "has no port (expected HOST:PORT)");
  EXPECT_EQ(errorOf("127.0.0.1:0", PortUse::kConnect), "port 0 is out of range 1..65535");
}

TEST(HostPort, HostErrors) {
  EXPECT_EQ(errorOf(":80"), "has no host (all interfaces: 0.0.0.0 or [::])");
  EXPECT_EQ(errorOf(":80", PortUse::kConnect), "has no host");
  EXPECT_EQ(errorOf(""), "has no host (all interfaces: 0.0.0.0 or [::])");
  EXPECT_EQ(errorOf("::1:80"), "has an IPv6 address without brackets (write [ADDRESS]:PORT)");
  EXPECT_EQ(errorOf("[::1:80"), "has '[' without ']'");
  EXPECT_EQ(errorOf("[::1]80"), "has text after ']' that is not ':PORT'");
  EXPECT_EQ(errorOf("[127.0.0.1]:80"), "'[127.0.0.1]' is not an IPv6 address");
  EXPECT_EQ(errorOf("[]:80"), "has no host (all interfaces: 0.0.0.0 or [::])");
  EXPECT_EQ(errorOf("127.0.0.256:80"), "'127.0.0.256' is not an IPv4 address");
  EXPECT_EQ(errorOf("1.2.3:80"), "'1.2.3' is not an IPv4 address");
  EXPECT_EQ(errorOf("ho$t:80"), "host 'ho$t' has a character that is not allowed in a host name");
  EXPECT_EQ(errorOf("a..b:80"), "host 'a..b' has an empty label");
}

TEST(AmqpUrl, GoodForms) {
  auto plain = parseAmqpUrl("amqp://127.0.0.1:5673", PortUse::kConnect);
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->tls);
  EXPECT_EQ(plain->endpoint.port, 5673);
  EXPECT_EQ(plain->address(), "amqp://127.0.0.1:5673");

  auto defaults = parseAmqpUrl("amqp://broker.example.nl", PortUse::kConnect);
  ASSERT_TRUE(defaults);
  EXPECT_EQ(defaults->endpoint.port, 5672);
  auto tls = parseAmqpUrl("amqps://[::1]/", PortUse::kConnect);
  ASSERT_TRUE(tls);
  EXPECT_TRUE(tls->tls);
  EXPECT_EQ(tls->endpoint.port, 5671);
  EXPECT_EQ(tls->vhost, "");  // a bare "/" is no path
  EXPECT_EQ(tls->address(), "amqps://[::1]:5671");

  // Syntax only: userinfo and path come back percent-decoded.
  auto full = parseAmqpUrl("amqp://us%40er:p%3Aw@host:5672/v%2Fhost", PortUse::kConnect);
  ASSERT_TRUE(full);
  EXPECT_TRUE(full->has_user);
  EXPECT_TRUE(full->has_password);
  EXPECT_EQ(full->user, "us@er");
  EXPECT_EQ(full->password, "p:w");
  EXPECT_EQ(full->vhost, "v/host");
  auto user_only = parseAmqpUrl("amqp://guest@host", PortUse::kConnect);
  ASSERT_TRUE(user_only);
  EXPECT_TRUE(user_only->has_user);
  EXPECT_FALSE(user_only->has_password);
}

TEST(AmqpUrl, SyntaxErrors) {
  auto err = [](std::string_view url) { return urlErrorOf(parseAmqpUrl(url, PortUse::kConnect)); };
  EXPECT_EQ(err("http://host:1"), "must be amqp://HOST[:PORT] or amqps://HOST[:PORT]");
  EXPECT_EQ(err("127.0.0.1:5672"), "must be amqp://HOST[:PORT] or amqps://HOST[:PORT]");
  EXPECT_EQ(err("AMQP://host"), "must be amqp://HOST[:PORT] or amqps://HOST[:PORT]");
  EXPECT_EQ(err("amqp://"), "has no host");
  EXPECT_EQ(err("amqp://:5672"), "has no host");
  EXPECT_EQ(err("amqp://user@/vhost"), "has no host");
  EXPECT_EQ(err("amqp://host:abc"), "the port must be a number 1..65535");
  EXPECT_EQ(err("amqp://host:70000"), "port 70000 is out of range 1..65535");
  EXPECT_EQ(err("amqp://host:"), "has an empty port (1..65535)");
  EXPECT_EQ(err("amqp://host?x=1"), "must not have a query ('?...')");
  EXPECT_EQ(err("amqp://host/v#f"), "must not have a fragment ('#...')");
  EXPECT_EQ(err("amqp://::1:5672"), "has an IPv6 address without brackets (write [ADDRESS]:PORT)");
  EXPECT_EQ(err("amqp://us er@host"),
            "the user name or password has a character that must be percent-encoded");
  EXPECT_EQ(err("amqp://user:p%zz@host"),
            "the user name or password has a broken percent-encoding");
  EXPECT_EQ(err("amqp://host/a b"), "the path has a character that must be percent-encoded");
  EXPECT_EQ(err("amqp://host/%4"), "the path has a broken percent-encoding");
  // A mistyped URL whose "port" is a password does not repeat it.
  EXPECT_EQ(err("amqp://user:secret"), "the port must be a number 1..65535");
}

TEST(AmqpUrl, ListenerRules) {
  auto ok = parseAmqpListenUrl("amqp://127.0.0.1:0");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->endpoint.hostPort(), "127.0.0.1:0");
  EXPECT_TRUE(parseAmqpListenUrl("amqps://[::]:5671"));
  EXPECT_EQ(urlErrorOf(parseAmqpListenUrl("amqp://user@127.0.0.1:5672")),
            "must not carry a user name or password: a listener's clients authenticate with SASL "
            "and TLS (sasl_mechanisms, tls_ca)");
  EXPECT_EQ(urlErrorOf(parseAmqpListenUrl("amqp://127.0.0.1:5672/vh")),
            "must not have a path: a listener has no virtual host");
  EXPECT_EQ(urlErrorOf(parseAmqpListenUrl("amqp://127.0.0.1:abc")),
            "the port must be a number 0..65535");
}

TEST(AmqpUrl, ConnectionRules) {
  EXPECT_TRUE(parseAmqpConnectUrl("amqps://broker.example.nl:5671"));
  EXPECT_EQ(urlErrorOf(parseAmqpConnectUrl("amqp://user:pw@host/vhost")),
            "must not carry a user name or password: set user and password_file (a file holding "
            "the password) instead; must not have a path: virtual host 'vhost' cannot be selected "
            "(the hub uses the broker's default virtual host)");
  EXPECT_EQ(urlErrorOf(parseAmqpConnectUrl("amqp://guest@host")),
            "must not carry a user name: set user (and password_file) instead");
  EXPECT_EQ(urlErrorOf(parseAmqpConnectUrl("amqp://host:5672/prod")),
            "must not have a path: virtual host 'prod' cannot be selected (the hub uses the "
            "broker's default virtual host)");
  EXPECT_EQ(urlErrorOf(parseAmqpConnectUrl("amqp://host:0")), "port 0 is out of range 1..65535");
  // The password is never part of a message.
  auto r = parseAmqpConnectUrl("amqp://user:hunter2@host");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message.find("hunter2"), std::string::npos);
}

}  // namespace
}  // namespace hub::config
