#include <algorithm>
#include <array>
#include <cctype>
#include <mutex>
#include <regex>
#include <set>

#include "core/log.hpp"

namespace patter::core {

namespace {

constexpr std::string_view kMask = "***";
constexpr std::size_t kMinSecretLength = 6;

// Longest first, so a secret that contains another one is masked whole.
struct LongestFirst {
  bool operator()(const std::string& a, const std::string& b) const {
    return a.size() != b.size() ? a.size() > b.size() : a < b;
  }
};

struct SecretRegistry {
  std::mutex mutex;
  std::set<std::string, LongestFirst> values;
};

SecretRegistry& secrets() {
  static SecretRegistry registry;
  return registry;
}

bool contains_icase(std::string_view haystack, std::string_view needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                     [](char a, char b) {
                       return std::tolower(static_cast<unsigned char>(a)) ==
                              std::tolower(static_cast<unsigned char>(b));
                     }) != haystack.end();
}

// Cheap pre-check so the regular expressions only run on lines that may hold a credential.
bool may_hold_credential(std::string_view line) {
  static constexpr std::array<std::string_view, 9> kHints = {
      "auth", "bearer", "token", "key", "sk-", "secret", "password", "basic", "signature"};
  return std::any_of(kHints.begin(), kHints.end(),
                     [&](std::string_view hint) { return contains_icase(line, hint); });
}

struct Pattern {
  std::regex expression;
  const char* replacement;
};

const std::vector<Pattern>& patterns() {
  constexpr auto flags = std::regex::ECMAScript | std::regex::icase | std::regex::optimize;
  static const std::vector<Pattern> list = {
      // Header lines: "Authorization: Bearer abc", "xi-api-key: abc", "X-Twilio-Signature: abc".
      {std::regex(R"re(((?:(?:proxy-)?authorization|x-api-key|xi-api-key|api-key|x-goog-api-key|)re"
                  R"re(x-twilio-signature|telnyx-signature-ed25519)\s*:\s*)[^\r\n,;}"]+)re",
                  flags),
       "$1***"},
      // JSON fields: "api_key": "abc", "xi-api-key":"abc", "authorization": "abc".
      {std::regex(R"re(("(?:api[_-]?key|xi-api-key|authorization|auth[_-]?token|access[_-]?token|)re"
                  R"re(token|secret|password|client[_-]?secret)"\s*:\s*")[^"]*")re",
                  flags),
       "$1***\""},
      // Query parameters: ?key=abc&token=def.
      {std::regex(R"re(([?&](?:key|api[_-]?key|token|access[_-]?token|auth[_-]?token|signature|)re"
                  R"re(conversation_signature)=)[^&\s"']+)re",
                  flags),
       "$1***"},
      // Credentials after a scheme word anywhere in a line.
      {std::regex(R"re(\b(Bearer|Token|Basic)\s+[A-Za-z0-9._~+/=-]{6,})re", flags), "$1 ***"},
      // OpenAI / Anthropic style keys.
      {std::regex(R"re(\bsk-[A-Za-z0-9_-]{12,})re", flags), "sk-***"},
  };
  return list;
}

void replace_all(std::string& text, std::string_view from, std::string_view to) {
  for (auto pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size())) {
    text.replace(pos, from.size(), to);
  }
}

}  // namespace

void register_secret(std::string_view secret) {
  if (secret.size() < kMinSecretLength) return;
  auto& registry = secrets();
  const std::lock_guard lock(registry.mutex);
  registry.values.emplace(secret);
}

std::string redact(std::string_view line) {
  std::string out(line);
  {
    auto& registry = secrets();
    const std::lock_guard lock(registry.mutex);
    for (const auto& secret : registry.values) replace_all(out, secret, kMask);
  }
  if (!may_hold_credential(out)) return out;
  for (const auto& pattern : patterns()) {
    out = std::regex_replace(out, pattern.expression, pattern.replacement);
  }
  return out;
}

}  // namespace patter::core
