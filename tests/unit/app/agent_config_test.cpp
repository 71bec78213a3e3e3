#include "app/agent_config.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/manual_executor.hpp"
#include "providers/embedded/pocketsphinx_stt.hpp"

namespace patter::app {
namespace {

using namespace std::chrono_literals;
using core::Errc;

core::EnvLookup fake_env(std::map<std::string, std::string> values) {
  return [values = std::move(values)](std::string_view name) -> std::optional<std::string> {
    const auto it = values.find(std::string(name));
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

AgentFile parse(const std::string& yaml, ProviderRuntime& runtime,
                std::map<std::string, std::string> env = {}) {
  return parse_agent_yaml(yaml, "agent.yaml", runtime, fake_env(std::move(env)));
}

// The message of the config_invalid error that loading `yaml` raises.
std::string error_of(const std::string& yaml, std::map<std::string, std::string> env = {}) {
  ProviderRuntime runtime;
  try {
    (void)parse(yaml, runtime, std::move(env));
  } catch (const core::Error& e) {
    EXPECT_EQ(e.code(), Errc::config_invalid) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no error for:\n" << yaml;
  return {};
}

constexpr const char* kFullFile = R"(agent:
  system_prompt: You help {caller_name} book tables.
  first_message: Hello from ${RESTAURANT}!
  language: it
  voice: verse
  variables:
    caller_name: guest
    city: Rome
  stt:
    provider: pocketsphinx
    phrases: [book a table, goodbye]
  tts:
    provider: espeak
    voice: it
    words_per_minute: 150
    pitch: 40
    sample_rate: 8000
  llm:
    provider: rules
    rules:
      - keywords: [book, table]
        reply: Let me book that.
        tool:
          name: book_table
          arguments: {guests: 2, time: "20:00"}
      - keywords: [goodbye]
        reply: Goodbye!
        tool: {name: end_call}
    fallback_reply: Pardon?
    tool_result_reply: Done.
  tools:
    - name: book_table
      description: Books a table.
      parameters:
        type: object
        properties:
          guests: {type: integer, minimum: 1}
        required: [guests]
      webhook_url: https://example.com/book
    - name: check-hours
      webhook_url: http://example.com/hours
  builtin_tools: true
  guardrails:
    - name: no_prices
      blocked_terms: [price, cost]
      replacement: Please ask the staff about prices.
  vad:
    enabled: false
    activation_threshold: 0.6
    deactivation_threshold: 0.4
    min_speech_ms: 80
    min_silence_ms: 700
    model_path: /models/silero.onnx
  barge_in:
    enabled: true
    gate_ms: 150
    confirm_ms: 1200
    min_words: 3
    resume_after_ms: 2500
    threshold_ms: 250
  turn_commit:
    hallucinations: [um, uh]
    duplicate_window_ms: 1500
    min_gap_ms: 400
  aggressive_first_flush: true
  max_tool_iterations: 5
  prewarm: false
)";

TEST(AgentYaml, FullFileMapsEveryField) {
  ProviderRuntime runtime;
  const auto file = parse(kFullFile, runtime, {{"RESTAURANT", "Trattoria"}});
  const Agent& agent = file.agent;

  EXPECT_EQ(agent.system_prompt, "You help {caller_name} book tables.");
  EXPECT_EQ(agent.first_message, "Hello from Trattoria!");
  EXPECT_EQ(agent.language, "it");
  EXPECT_EQ(agent.voice, "verse");
  EXPECT_EQ(agent.variables,
            (std::map<std::string, std::string>{{"caller_name", "guest"}, {"city", "Rome"}}));

  ASSERT_NE(agent.stt, nullptr);
  EXPECT_EQ(agent.stt->name(), "pocketsphinx");
  ASSERT_NE(agent.tts, nullptr);
  EXPECT_EQ(agent.tts->name(), "espeak");
  EXPECT_EQ(agent.tts->output_format().sample_rate, 8000);
  ASSERT_NE(agent.llm, nullptr);
  EXPECT_EQ(agent.llm->name(), "rules");
  EXPECT_FALSE(file.on_message);

  ASSERT_EQ(agent.tools.size(), 2U);
  EXPECT_EQ(agent.tools[0].name, "book_table");
  EXPECT_EQ(agent.tools[0].description, "Books a table.");
  EXPECT_EQ(agent.tools[0].parameters_json,
            R"({"type":"object","properties":{"guests":{"type":"integer","minimum":1}},)"
            R"("required":["guests"]})");
  EXPECT_EQ(agent.tools[0].webhook_url, "https://example.com/book");
  EXPECT_FALSE(agent.tools[0].handler);
  EXPECT_EQ(agent.tools[1].name, "check-hours");
  EXPECT_EQ(agent.tools[1].parameters_json, Tool{}.parameters_json);
  EXPECT_TRUE(agent.builtin_tools);

  ASSERT_EQ(agent.guardrails.size(), 1U);
  EXPECT_EQ(agent.guardrails[0].name, "no_prices");
  EXPECT_EQ(agent.guardrails[0].blocked_terms, (std::vector<std::string>{"price", "cost"}));
  EXPECT_EQ(agent.guardrails[0].replacement, "Please ask the staff about prices.");

  EXPECT_FALSE(agent.vad.enabled);
  EXPECT_DOUBLE_EQ(agent.vad.activation_threshold, 0.6);
  EXPECT_DOUBLE_EQ(agent.vad.deactivation_threshold, 0.4);
  EXPECT_EQ(agent.vad.min_speech, 80ms);
  EXPECT_EQ(agent.vad.min_silence, 700ms);
  EXPECT_EQ(agent.vad.model_path, "/models/silero.onnx");

  EXPECT_TRUE(agent.barge_in.enabled);
  EXPECT_EQ(agent.barge_in.gate, 150ms);
  EXPECT_EQ(agent.barge_in.confirm_window, 1200ms);
  ASSERT_EQ(agent.barge_in.strategies.size(), 1U);
  const auto* min_words = dynamic_cast<MinWordsStrategy*>(agent.barge_in.strategies[0].get());
  ASSERT_NE(min_words, nullptr);
  EXPECT_EQ(min_words->min_words(), 3U);
  EXPECT_EQ(agent.barge_in.resume_after_false_interruption, 2500ms);
  EXPECT_EQ(agent.barge_in_threshold_ms, 250);

  EXPECT_EQ(agent.turn_commit.hallucinations, (std::vector<std::string>{"um", "uh"}));
  EXPECT_EQ(agent.turn_commit.duplicate_window, 1500ms);
  EXPECT_EQ(agent.turn_commit.min_gap, 400ms);
  EXPECT_TRUE(agent.aggressive_first_flush);
  EXPECT_EQ(agent.max_tool_iterations, 5U);
  EXPECT_FALSE(agent.prewarm);
}

TEST(AgentYaml, MinimalFileKeepsTheDefaults) {
  ProviderRuntime runtime;
  const auto file = parse("agent:\n  system_prompt: Be brief.\n", runtime);
  const Agent& agent = file.agent;
  const Agent defaults;
  EXPECT_EQ(agent.system_prompt, "Be brief.");
  EXPECT_EQ(agent.first_message, "");
  EXPECT_EQ(agent.language, "en");
  EXPECT_EQ(agent.voice, defaults.voice);
  EXPECT_EQ(agent.stt, nullptr);
  EXPECT_EQ(agent.tts, nullptr);
  EXPECT_EQ(agent.llm, nullptr);
  EXPECT_FALSE(file.on_message);
  EXPECT_TRUE(agent.tools.empty());
  EXPECT_TRUE(agent.builtin_tools);
  EXPECT_TRUE(agent.barge_in.strategies.empty());
  EXPECT_EQ(agent.barge_in.gate, defaults.barge_in.gate);
  EXPECT_EQ(agent.barge_in_threshold_ms, defaults.barge_in_threshold_ms);
  EXPECT_DOUBLE_EQ(agent.vad.deactivation_threshold, defaults.vad.deactivation_threshold);
  EXPECT_EQ(agent.turn_commit.hallucinations, defaults.turn_commit.hallucinations);
  EXPECT_EQ(agent.max_tool_iterations, defaults.max_tool_iterations);
  EXPECT_TRUE(agent.prewarm);
}

TEST(AgentYaml, DeactivationThresholdFollowsTheActivationThreshold) {
  ProviderRuntime runtime;
  const auto file =
      parse("agent:\n  system_prompt: x\n  vad:\n    activation_threshold: 0.3\n", runtime);
  EXPECT_DOUBLE_EQ(file.agent.vad.deactivation_threshold, 0.15);
}

TEST(AgentYaml, OnMessageTakesUrlAndSecretFromTheEnvironment) {
  ProviderRuntime runtime;
  const auto file = parse(R"(agent:
  system_prompt: x
  on_message:
    url: wss://brain.example.com/turns
    secret: ${BRAIN_SECRET}
)",
                          runtime, {{"BRAIN_SECRET", "s3cret-value"}});
  EXPECT_EQ(file.on_message.url, "wss://brain.example.com/turns");
  EXPECT_EQ(file.on_message.secret, "s3cret-value");
  EXPECT_FALSE(file.on_message.reply);
  EXPECT_EQ(file.agent.llm, nullptr);
}

TEST(AgentYaml, ExpandsEnvironmentVariables) {
  ProviderRuntime runtime;
  const auto file = parse(R"(agent:
  system_prompt: ${PROMPT}
  language: ${LANG_CODE:-de}
  max_tool_iterations: ${ITERATIONS}
  tools:
    - name: lookup
      webhook_url: https://${TOOL_HOST}/lookup
)",
                          runtime,
                          {{"PROMPT", "From the environment."},
                           {"ITERATIONS", "7"},
                           {"TOOL_HOST", "tools.example.com"}});
  EXPECT_EQ(file.agent.system_prompt, "From the environment.");
  EXPECT_EQ(file.agent.language, "de");
  EXPECT_EQ(file.agent.max_tool_iterations, 7U);
  EXPECT_EQ(file.agent.tools.at(0).webhook_url, "https://tools.example.com/lookup");
}

TEST(AgentYaml, ConvertsParametersToExactJson) {
  ProviderRuntime runtime;
  const auto file = parse(R"(agent:
  system_prompt: x
  tools:
    - name: t
      webhook_url: https://example.com/t
      parameters:
        type: object
        properties:
          count: {type: integer, minimum: 0, maximum: 1e3, default: +5}
          ratio: {type: number, multipleOf: .5, examples: [0.25, -1.5E2, 1.]}
          flag: {type: boolean, default: true, const: False}
          code: {type: string, enum: ["007", '12', yes, null, ~, "true"]}
          note:
            description: "Say \"hi\"\n"
            pattern: '^[a-z]+$'
            size: ${SIZE:-12}
          block: |
            two
            lines
          nested: [[1, 2], {a: []}, {}]
)",
                          runtime);
  EXPECT_EQ(file.agent.tools.at(0).parameters_json,
            R"({"type":"object","properties":{)"
            R"("count":{"type":"integer","minimum":0,"maximum":1e3,"default":5},)"
            R"("ratio":{"type":"number","multipleOf":0.5,"examples":[0.25,-1.5E2,1]},)"
            R"("flag":{"type":"boolean","default":true,"const":false},)"
            R"("code":{"type":"string","enum":["007","12","yes",null,null,"true"]},)"
            R"("note":{"description":"Say \"hi\"\n","pattern":"^[a-z]+$","size":12},)"
            R"("block":"two\nlines\n",)"
            R"("nested":[[1,2],{"a":[]},{}]}})");
}

TEST(AgentYaml, TypesPlainScalarsLikeYaml) {
  ProviderRuntime runtime;
  const auto file = parse(R"(agent:
  system_prompt: x
  tools:
    - name: t
      webhook_url: https://example.com/t
      parameters:
        examples: [007, -0, 1e, ., 0., 01.5, 99999999999999999999, 1_000, 1e999, .inf, 0x1F]
)",
                          runtime);
  EXPECT_EQ(file.agent.tools.at(0).parameters_json,
            R"({"examples":[7,0,"1e",".",0,1.5,99999999999999999999,"1_000","1e999",".inf","0x1F"]})");
}

TEST(AgentYaml, RuleArgumentsBecomeJson) {
  ProviderRuntime runtime;
  const auto file = parse(R"(agent:
  system_prompt: x
  llm:
    provider: rules
    rules:
      - keywords: [bye]
        tool: {name: end_call, arguments: {reason: done, code: 3}}
)",
                          runtime);
  core::ManualExecutor executor;
  StreamContext context;
  context.executor = std::shared_ptr<Executor>(&executor, [](Executor*) {});
  LlmRequest request;
  request.messages = {ChatMessage{Role::user, "ok bye", {}, {}, {}}};
  request.tools = {ToolSchema{"end_call", "", "{}"}};
  std::vector<ToolCall> calls;
  LlmEvents events;
  events.on_tool_call = [&calls](const ToolCall& call) { calls.push_back(call); };
  const auto stream = file.agent.llm->stream(context, std::move(request), std::move(events));
  executor.run_pending();
  ASSERT_EQ(calls.size(), 1U);
  EXPECT_EQ(calls[0].name, "end_call");
  EXPECT_EQ(calls[0].arguments, R"({"reason":"done","code":3})");
}

// ---- errors: each names the file, line, column and key path ----

TEST(AgentYamlErrors, MissingSystemPrompt) {
  EXPECT_EQ(error_of("agent:\n  language: en\n"),
            "agent.yaml:2:3: agent.system_prompt: is required");
  EXPECT_EQ(error_of("# nothing\n"), "agent.yaml: agent: is required");
}

TEST(AgentYamlErrors, UnknownKeysSuggestTheClosestOne) {
  EXPECT_EQ(error_of("agent:\n  system_prompt: x\n  frist_message: hi\n"),
            "agent.yaml:3:3: agent.frist_message: unknown key (did you mean 'first_message'?)");
  EXPECT_EQ(error_of("agent:\n  system_prompt: x\n  tts:\n    provider: espeak\n"
                     "    words_per_minut: 100\n"),
            "agent.yaml:5:5: agent.tts.words_per_minut: unknown key (did you mean "
            "'words_per_minute'?)");
  EXPECT_EQ(error_of("agent:\n  system_prompt: x\n  tools:\n    - name: a\n"
                     "      webhok_url: https://x.example\n"),
            "agent.yaml:5:7: agent.tools[0].webhok_url: unknown key (did you mean "
            "'webhook_url'?)");
  EXPECT_EQ(error_of("agnet:\n  system_prompt: x\n"),
            "agent.yaml:1:1: agnet: unknown key (did you mean 'agent'?)");
}

TEST(AgentYamlErrors, ValuesOutOfRange) {
  EXPECT_EQ(error_of("agent:\n  system_prompt: x\n  max_tool_iterations: 80\n"),
            "agent.yaml:3:24: agent.max_tool_iterations: expected an integer between 1 and 50, "
            "got \"80\"");
  EXPECT_EQ(error_of("agent:\n  system_prompt: x\n  vad:\n    activation_threshold: 1.5\n"),
            "agent.yaml:4:27: agent.vad.activation_threshold: expected a number between 0 and 1, "
            "got \"1.5\"");
  EXPECT_EQ(error_of("agent:\n  system_prompt: x\n  vad:\n    activation_threshold: 0.5\n"
                     "    deactivation_threshold: 0.7\n"),
            "agent.yaml:5:29: agent.vad.deactivation_threshold: must not exceed "
            "activation_threshold (0.5)");
  EXPECT_EQ(error_of("agent:\n  system_prompt: x\n  tts:\n    provider: espeak\n    pitch: 101\n"),
            "agent.yaml:5:12: agent.tts.pitch: expected an integer between 0 and 100, got \"101\"");
}

TEST(AgentYamlErrors, LlmAndOnMessageExcludeEachOther) {
  EXPECT_EQ(error_of("agent:\n  system_prompt: x\n  llm:\n    provider: rules\n"
                     "  on_message:\n    url: https://brain.example.com\n"),
            "agent.yaml:6:5: agent.on_message: cannot be combined with agent.llm: answer with a "
            "language model (llm) or with your own service (on_message), not both");
}

TEST(AgentYamlErrors, UnknownProviderListsTheKnownOnes) {
  EXPECT_EQ(error_of("agent:\n  system_prompt: x\n  stt:\n    provider: speechmatics\n"),
            "agent.yaml:4:15: agent.stt.provider: unknown provider \"speechmatics\" (known "
            "providers: pocketsphinx, deepgram, assemblyai, cartesia, openai, whisper, fallback)");
  EXPECT_EQ(error_of("agent:\n  system_prompt: x\n  tts:\n    voice: en\n"),
            "agent.yaml:4:5: agent.tts.provider: is required (known providers: espeak, elevenlabs, "
            "cartesia, openai, fallback)");
  EXPECT_EQ(error_of("agent:\n  system_prompt: x\n  llm:\n    provider: mistral\n"),
            "agent.yaml:4:15: agent.llm.provider: unknown provider \"mistral\" (known "
            "providers: rules, openai, groq, cerebras, openai_compatible, anthropic, gemini, "
            "fallback)");
}

TEST(AgentYamlErrors, ToolNames) {
  const std::string head = "agent:\n  system_prompt: x\n  tools:\n";
  EXPECT_EQ(error_of(head + "    - name: lookup\n      webhook_url: https://a.example\n"
                            "    - name: lookup\n      webhook_url: https://b.example\n"),
            "agent.yaml:6:13: agent.tools[1].name: \"lookup\" is already the name of "
            "agent.tools[0]");
  EXPECT_EQ(error_of(head + "    - name: look up\n      webhook_url: https://a.example\n"),
            "agent.yaml:4:13: agent.tools[0].name: expected 1 to 64 letters, digits, '_' or '-', "
            "got \"look up\"");
  EXPECT_EQ(error_of(head + "    - name: " + std::string(65, 'a') +
                     "\n      webhook_url: https://a.example\n"),
            "agent.yaml:4:13: agent.tools[0].name: expected 1 to 64 letters, digits, '_' or '-', "
            "got \"" +
                std::string(65, 'a') + "\"");
  EXPECT_EQ(error_of(head + "    - name: end_call\n      webhook_url: https://a.example\n"),
            "agent.yaml:4:13: agent.tools[0].name: \"end_call\" is a built-in tool; rename yours "
            "or set builtin_tools: false");
  EXPECT_EQ(error_of(head + "    - name: lookup\n      webhook_url: ftp://a.example\n"),
            "agent.yaml:5:20: agent.tools[0].webhook_url: expected an http:// or https:// URL, "
            "got \"ftp://a.example\"");
}

TEST(AgentYamlErrors, RuleToolMustBeOffered) {
  EXPECT_EQ(error_of("agent:\n  system_prompt: x\n  builtin_tools: false\n  llm:\n"
                     "    provider: rules\n    rules:\n      - keywords: [bye]\n"
                     "        tool: {name: end_call}\n"),
            "agent.yaml:8:22: agent.llm.rules[0].tool.name: no tool named \"end_call\" is "
            "declared under agent.tools");
}

TEST(AgentYamlErrors, ProviderSettings) {
  EXPECT_EQ(error_of("agent:\n  system_prompt: x\n  stt:\n    provider: pocketsphinx\n"
                     "    phrases: [hello, Good Bye]\n"),
            "agent.yaml:5:22: agent.stt.phrases[1]: pocketsphinx phrase 'Good Bye' must be "
            "lower-case words (a-z, digits, apostrophes)");
  EXPECT_EQ(error_of("agent:\n  system_prompt: x\n  llm:\n    provider: rules\n    rules:\n"
                     "      - keywords: []\n        reply: hi\n"),
            "agent.yaml:6:19: agent.llm.rules[0].keywords: needs at least one keyword");
  EXPECT_EQ(error_of("agent:\n  system_prompt: x\n  llm:\n    provider: rules\n    rules:\n"
                     "      - keywords: [\"?!\"]\n        reply: hi\n"),
            "agent.yaml:4:5: agent.llm: rules brain: rule 1 has no keyword");
}

TEST(AgentYamlErrors, UnsetVariable) {
  EXPECT_EQ(error_of("agent:\n  system_prompt: ${NOPE}\n"),
            "agent.yaml:2:18: agent.system_prompt: environment variable NOPE is not set (used as "
            "${NOPE})");
  EXPECT_EQ(error_of("agent:\n  system_prompt: x\n  tools:\n    - name: t\n"
                     "      webhook_url: https://t.example\n"
                     "      parameters:\n        title: ${NOPE}\n"),
            "agent.yaml:7:16: agent.tools[0].parameters.title: environment variable NOPE is not "
            "set (used as ${NOPE})");
}

TEST(AgentYamlErrors, UnreadableFile) {
  ProviderRuntime runtime;
  try {
    (void)load_agent_file("/nonexistent/agent.yaml", runtime);
    ADD_FAILURE() << "no error";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.code(), Errc::config_invalid);
    EXPECT_EQ(std::string(e.what()), "/nonexistent/agent.yaml: cannot open the file");
  }
}

// ---- the example agent and its real providers ----

TEST(AgentYamlExample, LoadsAndItsProvidersWork) {
  ProviderRuntime runtime;
  const auto file =
      load_agent_file(std::filesystem::path(PATTER_SOURCE_DIR) / "examples/agent.yaml", runtime);
  const Agent& agent = file.agent;
  EXPECT_FALSE(agent.first_message.empty());
  ASSERT_NE(agent.stt, nullptr);
  ASSERT_NE(agent.tts, nullptr);
  ASSERT_NE(agent.llm, nullptr);

  const auto* stt = dynamic_cast<providers::PocketsphinxStt*>(agent.stt.get());
  ASSERT_NE(stt, nullptr);
  EXPECT_EQ(stt->worker(), runtime.pocketsphinx_worker());
  StreamContext context;
  context.call_id = "example";
  std::promise<std::string> stt_error;
  SttEvents stt_events;
  stt_events.on_error = [&stt_error](const std::string& message) { stt_error.set_value(message); };
  auto stt_stream = agent.stt->open(context, std::move(stt_events));
  const std::vector<std::uint8_t> silence(16000, 0);  // 0.5 s at 16 kHz
  stt_stream->push_audio(silence);
  stt_stream->finalize();
  // The worker runs tasks in order: once this one runs, the decoder has loaded (or failed).
  std::promise<void> drained;
  runtime.pocketsphinx_worker()->post([&drained] { drained.set_value(); });
  ASSERT_EQ(drained.get_future().wait_for(20s), std::future_status::ready);
  auto error = stt_error.get_future();
  EXPECT_EQ(error.wait_for(0s), std::future_status::timeout) << error.get();
  stt_stream->close();

  std::mutex mutex;
  std::condition_variable changed;
  std::size_t audio_bytes = 0;
  bool done = false;
  TtsEvents events;
  events.on_audio = [&](std::span<const std::uint8_t> audio) {
    const std::lock_guard lock(mutex);
    audio_bytes += audio.size();
  };
  events.on_done = [&] {
    const std::lock_guard lock(mutex);
    done = true;
    changed.notify_all();
  };
  events.on_error = [&](const std::string& message) { ADD_FAILURE() << message; };
  auto tts_stream = agent.tts->synthesize(context, "Hello there.", std::move(events));
  std::unique_lock lock(mutex);
  ASSERT_TRUE(changed.wait_for(lock, 20s, [&] { return done; }));
  EXPECT_GT(audio_bytes, 0U);
}

TEST(AgentYamlExample, GoodbyeEndsTheCall) {
  ProviderRuntime runtime;
  const auto file =
      load_agent_file(std::filesystem::path(PATTER_SOURCE_DIR) / "examples/agent.yaml", runtime);
  core::ManualExecutor executor;
  StreamContext context;
  context.executor = std::shared_ptr<Executor>(&executor, [](Executor*) {});
  LlmRequest request;
  request.messages = {ChatMessage{Role::user, "goodbye", {}, {}, {}}};
  request.tools = {ToolSchema{"end_call", "", "{}"}};
  std::string reply;
  std::vector<ToolCall> calls;
  LlmEvents events;
  events.on_text = [&reply](std::string_view delta) { reply += delta; };
  events.on_tool_call = [&calls](const ToolCall& call) { calls.push_back(call); };
  const auto stream = file.agent.llm->stream(context, std::move(request), std::move(events));
  executor.run_pending();
  EXPECT_EQ(reply, "Thank you for calling. Goodbye!");
  ASSERT_EQ(calls.size(), 1U);
  EXPECT_EQ(calls[0].name, "end_call");
  EXPECT_EQ(calls[0].arguments, R"({"reason":"the caller said goodbye"})");
}

TEST(AgentYamlExample, AgentsShareTheRuntime) {
  ProviderRuntime runtime;
  const std::string yaml =
      "agent:\n  system_prompt: x\n  stt: {provider: pocketsphinx}\n  tts: {provider: espeak}\n";
  const auto first = parse(yaml, runtime);
  const auto second = parse(yaml, runtime);
  EXPECT_EQ(dynamic_cast<providers::PocketsphinxStt&>(*first.agent.stt).worker(),
            dynamic_cast<providers::PocketsphinxStt&>(*second.agent.stt).worker());
  EXPECT_EQ(runtime.espeak_engine(), runtime.espeak_engine());
}

}  // namespace
}  // namespace patter::app
