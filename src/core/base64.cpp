#include "core/base64.hpp"

#include <openssl/evp.h>

namespace patter::core {

namespace {

bool is_base64_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

}  // namespace

std::string encode_base64(std::span<const std::uint8_t> bytes) {
  std::string text;
  append_base64(text, bytes);
  return text;
}

void append_base64(std::string& out, std::span<const std::uint8_t> bytes) {
  const std::size_t start = out.size();
  out.resize(start + 4 * ((bytes.size() + 2) / 3));
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data() + start), bytes.data(),
                                      static_cast<int>(bytes.size()));
  out.resize(start + static_cast<std::size_t>(written));
}

// EVP_DecodeBlock alone skips whitespace, accepts '=' mid-text and returns padding as zero
// bytes, so the text is checked first and the padding taken off after.
std::optional<std::vector<std::uint8_t>> decode_base64(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  if (text.empty()) return std::vector<std::uint8_t>{};
  std::size_t padding = 0;
  while (padding < 2 && text[text.size() - 1 - padding] == '=') ++padding;
  for (std::size_t i = 0; i < text.size() - padding; ++i) {
    if (!is_base64_char(text[i])) return std::nullopt;
  }
  std::vector<std::uint8_t> bytes(text.size() / 4 * 3);
  const int written = EVP_DecodeBlock(bytes.data(), reinterpret_cast<const unsigned char*>(text.data()),
                                      static_cast<int>(text.size()));
  if (written < 0) return std::nullopt;
  bytes.resize(static_cast<std::size_t>(written) - padding);
  return bytes;
}

}  // namespace patter::core
