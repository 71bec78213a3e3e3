#include "app/simulate_command.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "app/agent_config.hpp"
#include "app/call_report.hpp"
#include "core/error.hpp"
#include "net/url.hpp"
#include "sim/simulated_caller.hpp"

namespace patter::app {

namespace {

bool speaks_text(const sim::CallScript& script) {
  for (const auto& step : script.steps) {
    if (std::holds_alternative<sim::Say>(step)) return true;
    if (const auto* barge_in = std::get_if<sim::BargeIn>(&step);
        barge_in && !barge_in->text.empty())
      return true;
  }
  return false;
}

}  // namespace

int run_simulate(const SimulateOptions& options, std::ostream& out, const core::EnvLookup& env) {
  auto script = sim::load_call_script(options.script);

  sim::SimulatedCallerOptions caller;
  caller.auth_token =
      options.auth_token.empty() ? env("TWILIO_AUTH_TOKEN").value_or("") : options.auth_token;
  caller.recording_path = options.recording;
  caller.max_duration = options.max_duration;
  if (!options.stream_url.empty()) {
    caller.stream_url = options.stream_url;
  } else {
    net::Endpoint server;
    try {
      server = net::parse_endpoint(options.server_url);
    } catch (const net::UrlError& e) {
      throw core::Error(core::Errc::config_invalid, "--server: " + std::string(e.what()));
    }
    caller.webhook_url = net::join_url(options.server_url, "/webhooks/twilio/voice");
    const std::string public_host =
        options.public_host.empty() ? server.host_header() : options.public_host;
    caller.signature_url = "https://" + public_host + "/webhooks/twilio/voice";
    caller.stream_origin = (server.secure() ? "wss://" : "ws://") + server.host_header();
  }
  ProviderRuntime runtime;
  if (speaks_text(script)) caller.speech = runtime.espeak_engine();

  boost::asio::io_context io;
  sim::SimulatedCaller simulated(std::move(script), std::move(caller));
  auto future = boost::asio::co_spawn(io, simulated.run(), boost::asio::use_future);
  io.run();
  const auto result = future.get();

  print_caller_view(result, out);
  if (!options.recording.empty()) out << "recording: " << options.recording.string() << "\n";
  if (options.report) write_json_report(*options.report, result, out);
  return result.errors.empty() ? 0 : 1;
}

}  // namespace patter::app
