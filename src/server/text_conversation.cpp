#include "server/text_conversation.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <future>
#include <iostream>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

#include "core/error.hpp"
#include "net/asio_clock.hpp"
#include "net/asio_executor.hpp"
#include "net/io_pool.hpp"
#include "session/call_session.hpp"
#include "session/worker_pool.hpp"

namespace patter::server {

namespace {

using namespace std::chrono_literals;

constexpr auto kReplyTimeout = 60s;

// The line of a text call: prints what the agent says and does.
class ConsoleLine final : public session::CarrierLink {
 public:
  ConsoleLine(std::ostream& out, std::mutex& mutex) : out_(out), mutex_(mutex) {}

  std::string name() const override { return "text"; }
  audio::AudioFormat audio_format() const override { return kPcm16k; }
  bool supports_marks() const override { return false; }
  void send_audio(std::span<const std::uint8_t>) override {}
  void send_mark(std::string_view) override {}
  void clear_audio() override {}
  void send_text(std::string_view sentence) override { print("agent> " + std::string(sentence)); }
  void hang_up() override { print("[the agent hung up]"); }
  void transfer(std::string_view target) override {
    print("[the agent transferred the call to " + std::string(target) + "]");
  }
  void send_dtmf(std::string_view digits) override { print("[DTMF sent: " + std::string(digits) + "]"); }

  void print(const std::string& line) {
    const std::lock_guard lock(mutex_);
    out_ << line << std::endl;
  }
  void prompt() {
    const std::lock_guard lock(mutex_);
    out_ << "you> " << std::flush;
  }

 private:
  std::ostream& out_;
  std::mutex& mutex_;
};

std::string test_call_id() {
  std::random_device device;
  std::mt19937_64 generator(device());
  std::ostringstream id;
  id << "test_" << std::hex;
  for (int i = 0; i < 12; ++i) id << (generator() % 16);
  return id.str();
}

// Runs `fn` on the call's loop and waits for its result.
template <typename Fn>
auto on_loop(Executor& executor, Fn fn) -> decltype(fn()) {
  std::packaged_task<decltype(fn())()> task(std::move(fn));
  auto result = task.get_future();
  executor.post([&task] { task(); });
  return result.get();
}

}  // namespace

int run_text_conversation(Agent agent, CallCallbacks callbacks, std::istream& in, std::ostream& out,
                          bool echo_input) {
  if (agent.engine) {
    throw core::Error(core::Errc::config_invalid,
                      "the agent's engine (" + agent.engine->name() +
                          ") speaks only audio; a text conversation needs a pipeline agent (llm or on_message)");
  }
  std::mutex out_mutex;
  net::IoPool pool(1);
  pool.start();
  auto executor = std::make_shared<net::AsioExecutor>(pool.executor(0));
  net::AsioClock clock(pool.executor(0));
  auto workers = session::WorkerPool::create(2);
  auto line = std::make_shared<ConsoleLine>(out, out_mutex);
  std::promise<void> ended;
  auto ended_future = ended.get_future();

  callbacks.on_call_end = [&ended, user = std::move(callbacks.on_call_end)](const CallEndEvent& event) {
    try {
      if (user) user(event);
    } catch (const std::exception& error) {
      spdlog::warn("on_call_end raised: {}", error.what());
    }
    ended.set_value();
  };
  session::SessionServices services;
  services.clock = &clock;
  services.executor = executor;
  services.user_lane = workers->make_lane();
  session::CallSetup setup;
  setup.parties = CallParties{test_call_id(), "+15550000001", "+15550000002"};
  setup.telephony_provider = "text";
  agent.stt = nullptr;
  agent.tts = nullptr;

  line->print("Calling the agent (call " + setup.parties.call_id +
              "). Type to talk; /history, /transfer <number>, /hangup, /quit.");
  std::shared_ptr<session::CallSession> call;
  try {
    call = on_loop(*executor, [&] {
      auto created = session::CallSession::create(agent, callbacks, services, setup, line);
      created->start();
      return created;
    });
  } catch (...) {
    pool.stop();
    pool.join();
    throw;
  }

  auto call_over = [&] {
    return ended_future.wait_for(0s) == std::future_status::ready || on_loop(*executor, [&] { return call->ended(); });
  };
  auto wait_for_reply = [&] {
    const auto deadline = std::chrono::steady_clock::now() + kReplyTimeout;
    while (std::chrono::steady_clock::now() < deadline && !call_over()) {
      const auto [state, call_ended] =
          on_loop(*executor, [&] { return std::pair{call->state().agent, call->ended()}; });
      if (call_ended || state == AgentState::listening || state == AgentState::idle) return;
      std::this_thread::sleep_for(10ms);
    }
  };
  wait_for_reply();

  std::string input;
  while (!call_over()) {
    if (!echo_input) line->prompt();
    if (!std::getline(in, input)) break;
    if (echo_input) line->print("you> " + input);
    if (input.empty()) continue;
    if (input == "/quit" || input == "/hangup") {
      on_loop(*executor, [&] { call->end(input == "/quit" ? "caller quit" : "caller hung up"); });
      break;
    }
    if (input == "/history") {
      for (const auto& entry : on_loop(*executor, [&] { return call->history(); })) {
        line->print("  " + entry.role + ": " + entry.text);
      }
      continue;
    }
    if (input.starts_with("/transfer")) {
      const std::string target = input.size() > 10 ? input.substr(10) : std::string{};
      try {
        call->control()->transfer(target);
      } catch (const std::invalid_argument& error) {
        line->print(std::string("[cannot transfer: ") + error.what() + "]");
        continue;
      }
      break;
    }
    on_loop(*executor, [&] { call->submit_user_text(input); });
    wait_for_reply();
  }
  on_loop(*executor, [&] { call->end("caller hung up"); });
  ended_future.wait_for(5s);
  const auto summary = on_loop(*executor, [&] { return call->metrics().turns().size(); });
  line->print("[call ended after " + std::to_string(summary) + " turns]");
  workers->shutdown();
  on_loop(*executor, [&] { call.reset(); });
  pool.stop();
  pool.join();
  return 0;
}

}  // namespace patter::server
