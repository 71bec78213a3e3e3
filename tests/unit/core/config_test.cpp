#include "core/config.hpp"

#include <gtest/gtest.h>

#include <map>

#include "core/log.hpp"

using patter::core::ConfigNode;
using patter::core::Errc;
using patter::core::Error;

namespace {

patter::core::EnvLookup fake_env(std::map<std::string, std::string> values) {
  return [values = std::move(values)](std::string_view name) -> std::optional<std::string> {
    auto it = values.find(std::string(name));
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

// Runs `body`, expecting a patter Error with `code` whose message contains `fragment`.
template <typename Body>
void expect_error(Body body, Errc code, const std::string& fragment) {
  try {
    body();
    ADD_FAILURE() << "expected an error containing: " << fragment;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), code) << e.what();
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

}  // namespace

TEST(ExpandEnv, SubstitutesVariablesDefaultsAndEscapes) {
  const auto env = fake_env({{"HOST", "api.example"}, {"EMPTY", ""}});
  EXPECT_EQ(patter::core::expand_env("https://${HOST}/v1", env), "https://api.example/v1");
  EXPECT_EQ(patter::core::expand_env("${MISSING:-fallback}", env), "fallback");
  EXPECT_EQ(patter::core::expand_env("${EMPTY:-used}", env), "used");
  EXPECT_EQ(patter::core::expand_env("literal $${HOST}", env), "literal ${HOST}");
  EXPECT_EQ(patter::core::expand_env("cost $5", env), "cost $5");
}

TEST(ExpandEnv, NamesTheMissingVariable) {
  expect_error([] { (void)patter::core::expand_env("${NOPE}", fake_env({})); },
               Errc::config_invalid, "environment variable NOPE is not set");
  expect_error([] { (void)patter::core::expand_env("${BAD NAME}", fake_env({})); },
               Errc::config_invalid, "invalid environment variable name");
  expect_error([] { (void)patter::core::expand_env("${OPEN", fake_env({})); },
               Errc::config_invalid, "unterminated");
}

TEST(ConfigNode, ReadsTypedValuesWithDefaults) {
  const auto config = ConfigNode::parse(
      "server:\n  host: 0.0.0.0\n  port: 9000\n  tls: yes\nratio: 0.25\n", "agent.yaml",
      fake_env({}));
  const auto server = config.section("server");
  EXPECT_EQ(server.string_or("host", "127.0.0.1"), "0.0.0.0");
  EXPECT_EQ(server.integer_or("port", 8000, 1, 65535), 9000);
  EXPECT_TRUE(server.boolean_or("tls", false));
  EXPECT_EQ(server.integer_or("missing", 42, 0, 100), 42);
  EXPECT_DOUBLE_EQ(config.number_or("ratio", 1.0, 0.0, 1.0), 0.25);
  EXPECT_TRUE(config.section("absent").is_null());
}

TEST(ConfigNode, ErrorsNameFileLineColumnAndKeyPath) {
  const auto config =
      ConfigNode::parse("server:\n  port: abc\n", "agent.yaml", fake_env({}));
  expect_error([&] { (void)config.section("server").integer_or("port", 8000, 1, 65535); },
               Errc::config_invalid,
               "agent.yaml:2:9: server.port: expected an integer between 1 and 65535, got \"abc\"");
}

TEST(ConfigNode, RejectsOutOfRangeAndWrongShapes) {
  const auto config = ConfigNode::parse("port: 70000\nserver: [1, 2]\nflag: maybe\nmode: fast\n",
                                        "c.yaml", fake_env({}));
  expect_error([&] { (void)config.integer_or("port", 1, 1, 65535); }, Errc::config_invalid,
               "c.yaml:1:7: port: expected an integer between 1 and 65535");
  expect_error([&] { (void)config.section("server"); }, Errc::config_invalid,
               "server: expected a mapping");
  expect_error([&] { (void)config.boolean_or("flag", false); }, Errc::config_invalid,
               "flag: expected true or false, got \"maybe\"");
  expect_error([&] { (void)config.choice_or("mode", "slow", {"slow", "normal"}); },
               Errc::config_invalid, "mode: expected one of slow, normal, got \"fast\"");
}

TEST(ConfigNode, ExpandsEnvironmentInScalars) {
  const auto config = ConfigNode::parse("url: https://${HOST}/x\nport: ${PORT:-8080}\n", "c.yaml",
                                        fake_env({{"HOST", "h.example"}}));
  EXPECT_EQ(config.string_or("url", ""), "https://h.example/x");
  EXPECT_EQ(config.integer_or("port", 1, 1, 65535), 8080);
  const auto broken = ConfigNode::parse("url: ${UNSET_VAR}\n", "c.yaml", fake_env({}));
  expect_error([&] { (void)broken.string_or("url", ""); }, Errc::config_invalid,
               "c.yaml:1:6: url: environment variable UNSET_VAR is not set");
}

TEST(ConfigNode, MissingCredentialNamesTheEnvironmentVariable) {
  const auto config = ConfigNode::parse("stt:\n  provider: deepgram\n", "agent.yaml", fake_env({}));
  expect_error([&] { (void)config.section("stt").credential("api_key", "DEEPGRAM_API_KEY"); },
               Errc::missing_credential,
               "missing credential: set the environment variable DEEPGRAM_API_KEY (or the key "
               "'stt.api_key' in agent.yaml)");
}

TEST(ConfigNode, CredentialsComeFromConfigOrEnvironmentAndAreRedacted) {
  const auto config = ConfigNode::parse("stt:\n  api_key: from-config-0001\n", "agent.yaml",
                                        fake_env({{"OPENAI_API_KEY", "from-env-000002"}}));
  EXPECT_EQ(config.section("stt").credential("api_key", "DEEPGRAM_API_KEY"), "from-config-0001");
  EXPECT_EQ(config.section("llm").credential("api_key", "OPENAI_API_KEY"), "from-env-000002");
  EXPECT_EQ(patter::core::redact("key from-env-000002 used"), "key *** used");
  EXPECT_FALSE(config.section("tts").optional_credential("api_key", "ELEVENLABS_API_KEY"));
}

TEST(ConfigNode, UnknownKeysAreRejectedWithASuggestion) {
  const auto config = ConfigNode::parse("sever:\n  port: 1\n", "agent.yaml", fake_env({}));
  expect_error([&] { config.reject_unknown_keys({"server", "log"}); }, Errc::config_invalid,
               "agent.yaml:1:1: sever: unknown key (did you mean 'server'?)");
  const auto far = ConfigNode::parse("zzz: 1\n", "agent.yaml", fake_env({}));
  expect_error([&] { far.reject_unknown_keys({"server", "log"}); }, Errc::config_invalid,
               "zzz: unknown key");
}

TEST(ConfigNode, YamlSyntaxErrorsCarryTheirPosition) {
  expect_error([] { (void)ConfigNode::parse("a: [1, 2\nb: 3\n", "bad.yaml", fake_env({})); },
               Errc::config_invalid, "bad.yaml:");
  expect_error([] { (void)ConfigNode::parse("a: [1, 2\n", "bad.yaml", fake_env({})); },
               Errc::config_invalid, "YAML syntax error");
  expect_error([] { (void)ConfigNode::parse("- just\n- a list\n", "list.yaml", fake_env({})); },
               Errc::config_invalid, "expected a mapping of keys at the top level");
}

TEST(ConfigNode, ListsAndStrings) {
  const auto config = ConfigNode::parse("words: [a, b, \"${X:-c}\"]\nnot_list: 3\n", "c.yaml",
                                        fake_env({}));
  EXPECT_EQ(config.strings("words"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(config.strings("none").empty());
  expect_error([&] { (void)config.list("not_list"); }, Errc::config_invalid, "not_list: expected a list");
  EXPECT_EQ(config.keys(), (std::vector<std::string>{"words", "not_list"}));
}

TEST(ConfigNode, MissingFileIsAClearError) {
  expect_error([] { (void)ConfigNode::load_file("/nonexistent/agent.yaml"); }, Errc::config_invalid,
               "/nonexistent/agent.yaml: cannot open configuration file");
}

TEST(ConfigNode, NonScalarKeysAreRejectedAsConfigErrors) {
  const auto config = ConfigNode::parse("? [a, b]\n: value\n", "odd.yaml", fake_env({}));
  expect_error([&] { (void)config.keys(); }, Errc::config_invalid, "odd.yaml:1:3: keys must be plain names");
  expect_error([&] { config.reject_unknown_keys({"server"}); }, Errc::config_invalid,
               "keys must be plain names");
}
