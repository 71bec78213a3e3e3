#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "app/agent_config.hpp"
#include "fakes/fake_twilio_rest.hpp"
#include "net/url.hpp"
#include "server/patter_server.hpp"
#include "sim/call_script.hpp"
#include "sim/simulated_caller.hpp"

namespace patter::e2e {

inline constexpr std::string_view kPublicHost = "agent.e2e.test";

struct HttpResult {
  int status = 0;
  std::string body;
};

// What the server's callbacks reported, across threads.
class CallLog {
 public:
  void ended(const CallEndEvent& event);
  void transcript(const TranscriptEvent& event);
  // The end of `call_id`, waiting up to `limit` for it; nullopt if it never came.
  std::optional<CallEndEvent> wait_for_end(const std::string& call_id, std::chrono::milliseconds limit);
  // Waits until an assistant line containing `text` was reported; false on timeout.
  bool wait_for_agent_line(const std::string& text, std::chrono::milliseconds limit);

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<CallEndEvent> ends_;
  std::vector<TranscriptEvent> lines_;
};

// A running PatterServer with a keyword-rules agent on the embedded providers (pocketsphinx,
// espeak-ng), Twilio settings pointing at a FakeTwilioRest, and a call store in a temporary
// folder; helpers to call it with the simulator and to reach its HTTP routes.
class TwilioE2ETest : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  void SetUp() override;
  void TearDown() override;

  // Starts the server; `adjust` may change the agent (e.g. a longer greeting) and the settings.
  void start(const std::function<void(Agent&, server::PatterServerConfig&)>& adjust = {});
  [[nodiscard]] std::string base_url() const;
  [[nodiscard]] std::string auth_token() const { return rest.options().auth_token; }

  // `parameters` go into the start message's customParameters, as the TwiML's <Parameter>s do.
  sim::SimulationResult call(const std::string& script_yaml,
                             const std::function<void(sim::SimulatedCallerOptions&)>& adjust = {},
                             const std::map<std::string, std::string>& parameters = {});
  // One of Twilio's webhooks, signed over its public URL (or with `signature` when given).
  HttpResult post_webhook(const std::string& path, const net::QueryParams& form,
                          std::optional<std::string> signature = std::nullopt);
  // A JSON-body webhook: the path carries bodySHA256 of the body, and the signature covers it.
  HttpResult post_json_webhook(const std::string& path_without_hash, const std::string& body,
                               const std::string& signed_body);
  HttpResult get(const std::string& path);
  boost::json::object call_record(const std::string& call_id);

  static inline app::ProviderRuntime* runtime = nullptr;
  fakes::FakeTwilioRest rest;
  std::filesystem::path folder;
  CallLog log;
  std::unique_ptr<server::PatterServer> server;
};

// The assistant and user lines of a transcript, as "role: text".
std::vector<std::string> spoken_lines(const std::vector<HistoryEntry>& transcript);

}  // namespace patter::e2e
