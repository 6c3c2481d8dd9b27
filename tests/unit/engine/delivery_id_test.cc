#include "hub/engine/delivery_id.h"

#include <gtest/gtest.h>

#include <regex>

#include "hub/tls/digest.h"

namespace hub::engine {
namespace {

TEST(DigestTest, KnownVectors) {
  EXPECT_EQ(tls::hexEncode(tls::sha1("abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(tls::hexEncode(tls::sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(tls::hexEncode(tls::sha256("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const uint8_t bytes[] = {0x00, 0x0f, 0xf0, 0xff};
  EXPECT_EQ(tls::hexEncode(bytes), "000ff0ff");
}

TEST(DeliveryIdTest, Rfc4122Version5Vector) {
  // uuid.uuid5(uuid.NAMESPACE_DNS, "www.example.com")
  const Uuid dns = {0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1,
                    0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8};
  EXPECT_EQ(formatUuid(uuidV5(dns, "www.example.com")), "2ed6657d-e927-568b-95e1-2665a8aea6a2");
}

TEST(DeliveryIdTest, NamespaceIsDerivedAsDocumented) {
  const Uuid url = {0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1,
                    0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8};
  EXPECT_EQ(uuidV5(url, "https://ketenhub.example/ns/delivery-id"), kDeliveryIdNamespace);
}

TEST(DeliveryIdTest, KnownVectors) {
  // Cross-checked with Python's uuid.uuid5 and the netstring name rule in delivery_id.h.
  EXPECT_EQ(deliveryId("msg-0001", "om", "kennisgeving-crisismaatregel"),
            "19a47920-8815-5ffa-a8cc-a16b2b6535c3");
  EXPECT_EQ(deliveryId("", "", ""), "7b124f42-991b-546a-9c42-4e20aa902c44");
}

TEST(DeliveryIdTest, StableCanonicalAndVersion5) {
  std::string id = deliveryId("3f1c-aa", "igj", "melding-crisismaatregel");
  EXPECT_EQ(id, deliveryId("3f1c-aa", "igj", "melding-crisismaatregel"));
  EXPECT_TRUE(std::regex_match(
      id, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
      << id;
}

TEST(DeliveryIdTest, FieldsDoNotRunTogether) {
  EXPECT_NE(deliveryId("ab", "c", "d"), deliveryId("a", "bc", "d"));
  EXPECT_NE(deliveryId("a", "b", "cd"), deliveryId("a", "bc", "d"));
  EXPECT_NE(deliveryId("m", "om", "p"), deliveryId("m", "igj", "p"));
  EXPECT_NE(deliveryId("1:a,", "b", "c"), deliveryId("1", "a", "b"));
}

}  // namespace
}  // namespace hub::engine
