#pragma once

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <patter/providers.hpp>

#include "fakes/fake_openai_chat.hpp"
#include "net/asio_executor.hpp"
#include "providers/llm/openai_chat_llm.hpp"
#include "providers/llm/streaming_llm.hpp"

namespace patter::providers::testing {

// Every event of one reply, in arrival order.
struct Recorder {
  std::string text;
  std::vector<std::string> deltas;
  std::vector<ToolCall> tool_calls;
  std::vector<LlmUsage> usages;
  std::optional<FinishReason> done;
  std::vector<std::string> errors;
  std::vector<std::string> order;    // "text", "tool", "usage", "done", "error"
  std::function<void()> after_text;  // runs after each delta (e.g. to cancel)

  LlmEvents events() {
    LlmEvents events;
    events.on_text = [this](std::string_view delta) {
      text += delta;
      deltas.emplace_back(delta);
      order.emplace_back("text");
      if (after_text) after_text();
    };
    events.on_tool_call = [this](const ToolCall& call) {
      tool_calls.push_back(call);
      order.emplace_back("tool");
    };
    events.on_usage = [this](const LlmUsage& usage) {
      usages.push_back(usage);
      order.emplace_back("usage");
    };
    events.on_done = [this](FinishReason reason) {
      done = reason;
      order.emplace_back("done");
    };
    events.on_error = [this](const std::string& message) {
      errors.push_back(message);
      order.emplace_back("error");
    };
    return events;
  }
  [[nodiscard]] bool ended() const { return done.has_value() || !errors.empty(); }
  [[nodiscard]] std::string error() const {
    return errors.empty() ? std::string() : errors.front();
  }
};

// Owns the call's event loop, which the test thread runs, so events arrive on the test thread.
class ChatClientTest : public ::testing::Test {
 protected:
  [[nodiscard]] StreamContext context() const {
    StreamContext context;
    context.call_id = "CA0001";
    context.executor = executor_;
    return context;
  }

  // `config` pointed at the fake (its URL, key and certificate), with one attempt and short
  // timeouts.
  template <typename Fake>
  [[nodiscard]] static ChatConfig aimed_at(const Fake& fake, ChatConfig config) {
    config.base_url = fake.base_url();
    config.api_key = fake.options().api_key;
    config.max_attempts = 1;
    config.request_timeout = std::chrono::seconds(5);
    config.first_token_timeout = std::chrono::seconds(5);
    config.extra_ca_pem = fake.certificate_pem();
    return config;
  }

  [[nodiscard]] ChatConfig config_for_fake(const fakes::FakeOpenAiChat& fake) const {
    return aimed_at(fake, providers::config_for(openai_preset()));
  }

  static LlmRequest hello_request() {
    LlmRequest request;
    request.messages = {ChatMessage{Role::system, "Be brief.", {}, {}, {}},
                        ChatMessage{Role::user, "Hello?", {}, {}, {}}};
    return request;
  }

  // Runs the loop until `finished` holds or `limit` passes.
  bool run_until(const std::function<bool()>& finished,
                 std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    io_.restart();
    while (!finished() && std::chrono::steady_clock::now() < deadline) {
      if (io_.run_one_for(std::chrono::milliseconds(5)) == 0 && io_.stopped()) io_.restart();
    }
    return finished();
  }

  // Runs the loop until it has no work left; false if work remained after `limit`.
  bool run_until_idle(std::chrono::milliseconds limit = std::chrono::seconds(5)) {
    io_.restart();
    io_.run_for(limit);
    return io_.stopped();
  }

  // Streams one reply to its end and returns what arrived.
  Recorder reply(LlmProvider& llm, LlmRequest request = hello_request()) {
    Recorder recorder;
    auto stream = llm.stream(context(), std::move(request), recorder.events());
    EXPECT_TRUE(run_until([&] { return recorder.ended(); }));
    EXPECT_TRUE(run_until_idle());
    return recorder;
  }

  boost::asio::io_context io_;
  std::shared_ptr<net::AsioExecutor> executor_ =
      std::make_shared<net::AsioExecutor>(io_.get_executor());
};

}  // namespace patter::providers::testing
