#include "app/demo_command.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include <patter/llm.hpp>
#include <patter/realtime.hpp>

#include "app/agent_config.hpp"
#include "app/call_report.hpp"
#include "app/demo_assets.hpp"
#include "core/error.hpp"
#include "server/patter_server.hpp"
#include "sim/call_script.hpp"
#include "sim/simulated_caller.hpp"

namespace patter::app {

namespace {

using namespace std::chrono_literals;

// The host the demo's Twilio settings name. Nothing resolves it: the simulated caller signs its
// requests for it and connects to the loopback port instead, as Twilio would reach a tunnel.
constexpr std::string_view kDemoPublicHost = "patter-demo.invalid";
// How long the server may take to finish the call after the caller hangs up.
constexpr auto kCallEndWait = 10s;

double unix_seconds_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The call-end callback runs on a worker thread; the demo waits for it here.
class CallEndMailbox {
 public:
  void started() {
    const std::lock_guard lock(mutex_);
    if (!started_at_) started_at_ = unix_seconds_now();
  }
  void deliver(const CallEndEvent& event) {
    {
      const std::lock_guard lock(mutex_);
      if (!event_) event_ = event;
    }
    delivered_.notify_all();
  }
  std::optional<CallEndEvent> wait(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    delivered_.wait_for(lock, timeout, [this] { return event_.has_value(); });
    return event_;
  }
  double started_at() {
    const std::lock_guard lock(mutex_);
    return started_at_.value_or(0.0);
  }

 private:
  std::mutex mutex_;
  std::condition_variable delivered_;
  std::optional<double> started_at_;
  std::optional<CallEndEvent> event_;
};

// What the keyword rules of the built-in agent know, told to a model that hears and speaks.
constexpr std::string_view kRealtimeDemoPrompt =
    "You are the phone assistant of Trattoria Patter. Answer briefly and politely, in one or two "
    "short sentences. The restaurant is open every day from noon until ten in the evening. It is "
    "at twelve Harbour Street, next to the old lighthouse. Tables for phone guests are kept free "
    "every evening: callers just come by and give their name at the door. When the caller says "
    "goodbye, say goodbye and call end_call.";

AgentFile realtime_demo_agent(const DemoOptions& options, ProviderRuntime& runtime,
                              const core::EnvLookup& env) {
  if (options.agent) {
    throw core::Error(core::Errc::config_invalid,
                      "--realtime runs the built-in agent on OpenAI Realtime; for your own agent file, "
                      "give it an engine section instead (docs/realtime.md)");
  }
  const std::string key = env("OPENAI_API_KEY").value_or("");
  if (key.empty()) {
    throw core::Error(core::Errc::missing_credential,
                      "patter demo --realtime talks to OpenAI Realtime: set OPENAI_API_KEY (or run the "
                      "demo without --realtime, which needs no account)");
  }
  auto file = parse_agent_yaml(kDemoAgentYaml, "examples/agent.yaml (built in)", runtime, env);
  file.agent.system_prompt = std::string(kRealtimeDemoPrompt);
  file.agent.stt = nullptr;
  file.agent.llm = nullptr;
  file.agent.tts = nullptr;
  realtime::OpenAiRealtimeOptions engine;
  engine.api_key = key;
  engine.base_url = options.openai_base_url;
  try {
    file.agent.engine = realtime::openai(std::move(engine));
  } catch (const std::invalid_argument& error) {
    throw core::Error(core::Errc::config_invalid, error.what());
  }
  return file;
}

AgentFile demo_agent(const DemoOptions& options, ProviderRuntime& runtime,
                     const core::EnvLookup& env) {
  if (options.realtime) return realtime_demo_agent(options, runtime, env);
  if (!options.openai_base_url.empty()) {
    throw core::Error(core::Errc::config_invalid, "--openai-base-url applies only with --realtime");
  }
  if (options.agent) return load_agent_file(*options.agent, runtime, env);
  auto file = parse_agent_yaml(kDemoAgentYaml, "examples/agent.yaml (built in)", runtime, env);
  llm::OpenAiOptions llm_options;
  llm_options.model = options.llm_model;
  try {
    if (!options.llm_base_url.empty()) {
      llm_options.api_key = env("OPENAI_API_KEY").value_or("");
      file.agent.llm = llm::openai_compatible(options.llm_base_url, std::move(llm_options));
    } else if (!env("OPENAI_API_KEY").value_or("").empty()) {
      file.agent.llm = llm::openai(std::move(llm_options));
    }
  } catch (const std::invalid_argument& error) {
    throw core::Error(core::Errc::config_invalid, error.what());
  }
  return file;
}

sim::CallScript demo_script(const DemoOptions& options) {
  if (options.script) return sim::load_call_script(*options.script);
  return sim::parse_call_script(kDemoCallYaml, "examples/demo-call.yaml (built in)");
}

server::PatterServerConfig demo_server_config(const DemoOptions& options,
                                              const sim::CallScript& script) {
  server::PatterServerConfig config;
  config.host = "127.0.0.1";
  config.port = 0;
  config.threads = 1;
  config.dashboard = !options.dashboard_database.empty();
  config.database = options.dashboard_database;
  server::TwilioSettings twilio;
  twilio.account_sid = sim::random_sid("AC");
  twilio.auth_token = sim::random_sid("");
  twilio.public_host = kDemoPublicHost;
  twilio.phone_number = script.call.to;
  twilio.require_signature = true;
  twilio.configure_number = false;
  twilio.use_rest_api = false;
  config.twilio = std::move(twilio);
  return config;
}

}  // namespace

int run_demo(const DemoOptions& options, std::ostream& out, const core::EnvLookup& env) {
  ProviderRuntime runtime;
  auto agent = demo_agent(options, runtime, env);
  auto script = demo_script(options);
  auto config = demo_server_config(options, script);
  const auto twilio = *config.twilio;

  auto mailbox = std::make_shared<CallEndMailbox>();
  CallCallbacks callbacks;
  callbacks.on_message = std::move(agent.on_message);
  callbacks.on_call_start = [mailbox](const CallStartEvent&) { mailbox->started(); };
  callbacks.on_call_end = [mailbox](const CallEndEvent& event) { mailbox->deliver(event); };

  server::PatterServer server(std::move(config), std::move(agent.agent), std::move(callbacks));
  server.start();
  const std::string origin = "127.0.0.1:" + std::to_string(server.port());
  out << "patter demo: agent answering on http://" << origin << ", calling it from "
      << script.call.from << " (simulated Twilio caller, real time)\n\n";

  sim::SimulatedCallerOptions caller;
  caller.webhook_url = "http://" + origin + "/webhooks/twilio/voice";
  caller.signature_url = "https://" + twilio.public_host + "/webhooks/twilio/voice";
  caller.stream_origin = "ws://" + origin;
  caller.auth_token = twilio.auth_token;
  caller.account_sid = twilio.account_sid;
  caller.speech = runtime.espeak_engine();
  caller.recording_path = options.recording;

  boost::asio::io_context io;
  sim::SimulatedCaller simulated(std::move(script), std::move(caller));
  auto future = boost::asio::co_spawn(io, simulated.run(), boost::asio::use_future);
  io.run();
  const auto result = future.get();

  const auto ended = mailbox->wait(kCallEndWait);
  server.stop();

  bool ok = result.errors.empty();
  if (ended) {
    print_server_view(*ended, mailbox->started_at(), out);
  } else {
    out << "The agent's view: the server did not report the end of call " << result.call_sid
        << " within " << std::chrono::duration_cast<std::chrono::seconds>(kCallEndWait).count()
        << " s\n";
    ok = false;
  }
  out << "\n";
  print_caller_view(result, out);
  out << "\nrecording (caller left, agent right): " << options.recording.string() << "\n";
  if (!options.dashboard_database.empty())
    out << "call record stored in " << options.dashboard_database.string() << "\n";
  if (options.report) write_json_report(*options.report, result, out);
  return ok ? 0 : 1;
}

}  // namespace patter::app
