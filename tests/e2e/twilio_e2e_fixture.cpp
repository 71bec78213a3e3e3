#include "twilio_e2e_fixture.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <unistd.h>

#include "carriers/twilio/signature.hpp"
#include "fakes/run_coroutine.hpp"
#include "net/http_client.hpp"

namespace patter::e2e {

namespace {

using namespace std::chrono_literals;

// Replies short enough to keep each test to seconds; the booking answer is long so that it can
// be interrupted.
constexpr std::string_view kAgentYaml = R"yaml(
agent:
  system_prompt: You answer the phone for a restaurant.
  first_message: Hello, Trattoria Patter.
  stt:
    provider: pocketsphinx
    phrases: [what are your opening hours, where are you, book a table, goodbye, thank you goodbye]
  tts: {provider: espeak, voice: en-us, words_per_minute: 175, sample_rate: 16000}
  llm:
    provider: rules
    rules:
      - {keywords: [hours, open], reply: We are open every day from noon until ten.}
      - {keywords: [where], reply: At twelve Harbour Street.}
      - keywords: [book, table]
        reply: >-
          Happily. We keep tables free for phone guests every evening, so just come by and tell
          us your name at the door.
      - keywords: [goodbye]
        reply: Goodbye!
        tool: {name: end_call, arguments: {reason: the caller said goodbye}}
    fallback_reply: Sorry, I did not catch that.
)yaml";

}  // namespace

void CallLog::ended(const CallEndEvent& event) {
  {
    const std::lock_guard lock(mutex_);
    ends_.push_back(event);
  }
  changed_.notify_all();
}

void CallLog::transcript(const TranscriptEvent& event) {
  {
    const std::lock_guard lock(mutex_);
    lines_.push_back(event);
  }
  changed_.notify_all();
}

std::optional<CallEndEvent> CallLog::wait_for_end(const std::string& call_id, std::chrono::milliseconds limit) {
  std::unique_lock lock(mutex_);
  std::optional<CallEndEvent> found;
  changed_.wait_for(lock, limit, [&] {
    for (const auto& end : ends_) {
      if (end.call.call_id == call_id) found = end;
    }
    return found.has_value();
  });
  return found;
}

bool CallLog::wait_for_agent_line(const std::string& text, std::chrono::milliseconds limit) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, limit, [&] {
    for (const auto& line : lines_) {
      if (line.role == "assistant" && line.text.find(text) != std::string::npos) return true;
    }
    return false;
  });
}

void TwilioE2ETest::SetUpTestSuite() { runtime = new app::ProviderRuntime(); }

void TwilioE2ETest::TearDownTestSuite() {
  delete runtime;
  runtime = nullptr;
}

void TwilioE2ETest::SetUp() {
  folder = std::filesystem::temp_directory_path() /
           ("patter_e2e_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
}

void TwilioE2ETest::TearDown() {
  if (server) server->stop();
  server.reset();
  std::filesystem::remove_all(folder);
}

void TwilioE2ETest::start(const std::function<void(Agent&, server::PatterServerConfig&)>& adjust) {
  auto file = app::parse_agent_yaml(kAgentYaml, "e2e agent", *runtime);
  server::PatterServerConfig config;
  config.port = 0;
  config.threads = 1;
  config.database = folder / "calls.db";
  server::TwilioSettings twilio;
  twilio.account_sid = rest.options().account_sid;
  twilio.auth_token = rest.options().auth_token;
  twilio.api_base_url = rest.base_url();
  twilio.public_host = std::string(kPublicHost);
  twilio.phone_number = rest.options().phone_numbers.front();
  twilio.configure_number = false;
  config.twilio = std::move(twilio);
  if (adjust) adjust(file.agent, config);
  CallCallbacks callbacks;
  callbacks.on_call_end = [this](const CallEndEvent& event) { log.ended(event); };
  callbacks.on_transcript = [this](const TranscriptEvent& event) { log.transcript(event); };
  server = std::make_unique<server::PatterServer>(std::move(config), std::move(file.agent), std::move(callbacks));
  server->start();
}

std::string TwilioE2ETest::base_url() const { return "http://127.0.0.1:" + std::to_string(server->port()); }

sim::SimulationResult TwilioE2ETest::call(const std::string& script_yaml,
                                          const std::function<void(sim::SimulatedCallerOptions&)>& adjust,
                                          const std::map<std::string, std::string>& parameters) {
  sim::SimulatedCallerOptions options;
  options.webhook_url = base_url() + "/webhooks/twilio/voice";
  options.signature_url = "https://" + std::string(kPublicHost) + "/webhooks/twilio/voice";
  options.stream_origin = "ws://127.0.0.1:" + std::to_string(server->port());
  options.auth_token = auth_token();
  options.account_sid = rest.options().account_sid;
  options.speech = runtime->espeak_engine();
  options.max_duration = 60s;
  if (adjust) adjust(options);
  auto script = sim::parse_call_script(script_yaml, "e2e script");
  script.call.custom_parameters.insert(parameters.begin(), parameters.end());
  boost::asio::io_context io;
  sim::SimulatedCaller caller(std::move(script), std::move(options));
  auto result = boost::asio::co_spawn(io, caller.run(), boost::asio::use_future);
  io.run();
  return result.get();
}

HttpResult TwilioE2ETest::post_webhook(const std::string& path, const net::QueryParams& form,
                                       std::optional<std::string> signature) {
  const std::string signed_url = "https://" + std::string(kPublicHost) + path;
  boost::asio::io_context io;
  net::HttpClient client(io.get_executor());
  auto request = net::form_request(base_url() + path, form);
  request.headers.emplace_back("X-Twilio-Signature", signature ? *signature
                                                               : carriers::twilio::compute_signature(
                                                                     auth_token(), signed_url, form));
  const auto response = fakes::run_coroutine(io, client.request(std::move(request)));
  return {response.status, response.body};
}

HttpResult TwilioE2ETest::post_json_webhook(const std::string& path_without_hash, const std::string& body,
                                            const std::string& signed_body) {
  const std::string path = path_without_hash + "?bodySHA256=" + carriers::twilio::body_sha256_hex(signed_body);
  boost::asio::io_context io;
  net::HttpClient client(io.get_executor());
  auto request = net::json_request("POST", base_url() + path, body);
  request.headers.emplace_back("X-Twilio-Signature",
                               carriers::twilio::compute_signature(auth_token(), "https://" + std::string(kPublicHost) + path));
  const auto response = fakes::run_coroutine(io, client.request(std::move(request)));
  return {response.status, response.body};
}

HttpResult TwilioE2ETest::get(const std::string& path) {
  boost::asio::io_context io;
  net::HttpClient client(io.get_executor());
  net::HttpClientRequest request;
  request.method = "GET";
  request.url = base_url() + path;
  const auto response = fakes::run_coroutine(io, client.request(std::move(request)));
  return {response.status, response.body};
}

boost::json::object TwilioE2ETest::call_record(const std::string& call_id) {
  // The store writes off the call threads: give the record a moment to land.
  for (int attempt = 0; attempt < 50; ++attempt) {
    const auto response = get("/api/dashboard/calls/" + call_id);
    if (response.status == 200) {
      auto record = boost::json::parse(response.body).as_object();
      if (record.contains("ended_at") && !record.at("ended_at").is_null()) return record;
    }
    std::this_thread::sleep_for(100ms);
  }
  ADD_FAILURE() << "no finished record for " << call_id;
  return {};
}

std::vector<std::string> spoken_lines(const std::vector<HistoryEntry>& transcript) {
  std::vector<std::string> lines;
  for (const auto& entry : transcript) {
    if (entry.role == "user" || entry.role == "assistant") lines.push_back(entry.role + ": " + entry.text);
  }
  return lines;
}

}  // namespace patter::e2e
