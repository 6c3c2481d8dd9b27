#include "hub/tls/digest.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstdlib>
#include <memory>

namespace hub::tls {
namespace {

template <size_t N>
std::array<uint8_t, N> digest(const EVP_MD* md, std::string_view data) {
  std::array<uint8_t, N> out{};
  unsigned int len = 0;
  // EVP_Digest only fails on allocation failure or a broken provider: an invariant, not an
  // expected error.
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, md, nullptr) != 1 || len != N) {
    std::abort();
  }
  return out;
}

}  // namespace

Sha1Digest sha1(std::string_view data) { return digest<20>(EVP_sha1(), data); }

Sha256Digest sha256(std::string_view data) { return digest<32>(EVP_sha256(), data); }

Sha256Digest hmacSha256(std::string_view key, std::string_view data) {
  Sha256Digest out{};
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
            reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &len) ||
      len != out.size())
    std::abort();  // as in digest(): only a broken provider fails here
  return out;
}

bool randomBytes(std::span<uint8_t> out) {
  return RAND_bytes(out.data(), static_cast<int>(out.size())) == 1;
}

std::optional<std::string> base64Decode(std::string_view text) {
  // EVP_Decode* skips line breaks and spaces (XML may wrap base64) and checks the padding; one
  // output buffer, no copy of the input.
  std::unique_ptr<EVP_ENCODE_CTX, decltype(&EVP_ENCODE_CTX_free)> ctx(EVP_ENCODE_CTX_new(),
                                                                      EVP_ENCODE_CTX_free);
  if (!ctx) std::abort();
  EVP_DecodeInit(ctx.get());
  std::string out(text.size() / 4 * 3 + 3, '\0');
  size_t total = 0;
  constexpr size_t kChunk = 1 << 20;  // EVP_DecodeUpdate takes an int length
  for (size_t pos = 0; pos < text.size(); pos += kChunk) {
    size_t n = std::min(kChunk, text.size() - pos);
    int got = 0;
    if (EVP_DecodeUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data() + total), &got,
                         reinterpret_cast<const unsigned char*>(text.data() + pos),
                         static_cast<int>(n)) < 0)
      return std::nullopt;
    total += static_cast<size_t>(got);
  }
  int got = 0;
  if (EVP_DecodeFinal(ctx.get(), reinterpret_cast<unsigned char*>(out.data() + total), &got) != 1)
    return std::nullopt;
  total += static_cast<size_t>(got);
  out.resize(total);
  return out;
}

std::string sha256Hex(std::string_view data) { return hexEncode(sha256(data)); }

std::string hexEncode(std::span<const uint8_t> bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0x0f]);
  }
  return out;
}

}  // namespace hub::tls
