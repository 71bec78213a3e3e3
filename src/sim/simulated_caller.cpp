#include "sim/simulated_caller.hpp"

#include <boost/asio/this_coro.hpp>
#include <random>

#include "carriers/twilio/signature.hpp"
#include "core/error.hpp"
#include "net/asio_clock.hpp"
#include "net/http_client.hpp"
#include "net/url.hpp"
#include "net/ws_client.hpp"
#include "sim/caller_audio.hpp"
#include "sim/media_session.hpp"
#include "sim/script_runner.hpp"
#include "sim/twiml_stream.hpp"

namespace patter::sim {

namespace {

namespace asio = boost::asio;

net::QueryParams voice_webhook_fields(const StreamIds& ids, const CallSetup& call) {
  return {{"AccountSid", ids.account_sid}, {"ApiVersion", "2010-04-01"}, {"CallSid", ids.call_sid},
          {"CallStatus", "ringing"},       {"Called", call.to},          {"Caller", call.from},
          {"Direction", "inbound"},        {"From", call.from},          {"To", call.to}};
}

}  // namespace

std::string random_sid(std::string_view prefix) {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  constexpr std::string_view kHex = "0123456789abcdef";
  std::string sid(prefix);
  for (int i = 0; i < 32; ++i) sid += kHex[generator() & 0xF];
  return sid;
}

SimulatedCaller::SimulatedCaller(CallScript script, SimulatedCallerOptions options)
    : script_(std::move(script)), options_(std::move(options)) {
  if (options_.webhook_url.empty() && options_.stream_url.empty()) {
    throw core::Error(core::Errc::config_invalid,
                      "the simulated caller needs a voice webhook URL or a stream URL");
  }
  ids_.account_sid = options_.account_sid.empty() ? random_sid("AC") : options_.account_sid;
  ids_.call_sid = options_.call_sid.empty() ? random_sid("CA") : options_.call_sid;
  ids_.stream_sid = random_sid("MZ");
}

asio::awaitable<SimulatedCaller::Dialled> SimulatedCaller::dial() {
  Dialled dialled;
  if (options_.webhook_url.empty()) {
    dialled.connect_url = dialled.signed_url = options_.stream_url;
    co_return dialled;
  }
  const auto fields = voice_webhook_fields(ids_, script_.call);
  auto request = net::form_request(options_.webhook_url, fields);
  if (!options_.auth_token.empty()) {
    const auto& url =
        options_.signature_url.empty() ? options_.webhook_url : options_.signature_url;
    request.headers.emplace_back("X-Twilio-Signature", carriers::twilio::compute_signature(
                                                           options_.auth_token, url, fields));
  }
  net::HttpClientOptions http_options;
  http_options.connect_timeout = options_.connect_timeout;
  http_options.tls = options_.tls;
  const auto executor = co_await asio::this_coro::executor;
  net::HttpClient http(executor, http_options);
  const auto response = co_await http.request(std::move(request));
  if (!response.ok()) {
    throw core::Error(core::Errc::upstream_error,
                      "the voice webhook answered HTTP " + std::to_string(response.status));
  }
  auto target = parse_stream_twiml(response.body);
  dialled.signed_url = resolve_stream_url(target.url, options_.webhook_url);
  if (!options_.stream_url.empty()) {
    dialled.connect_url = options_.stream_url;
  } else if (!options_.stream_origin.empty()) {
    dialled.connect_url = options_.stream_origin + net::parse_endpoint(dialled.signed_url).target;
  } else {
    dialled.connect_url = dialled.signed_url;
  }
  dialled.parameters = std::move(target.parameters);
  co_return dialled;
}

asio::awaitable<SimulationResult> SimulatedCaller::run() {
  const auto executor = co_await asio::this_coro::executor;
  const net::AsioClock default_clock(executor);
  const core::Clock& clock = options_.clock != nullptr ? *options_.clock : default_clock;
  auto audio = co_await render_caller_audio(script_, options_.speech.get());

  SimulationResult result;
  result.call_sid = ids_.call_sid;
  result.stream_sid = ids_.stream_sid;
  net::WsClient client(options_.tls);
  std::shared_ptr<net::WebSocket> socket;
  std::map<std::string, std::string> parameters;
  try {
    auto dialled = co_await dial();
    parameters = std::move(dialled.parameters);
    for (const auto& [name, value] : script_.call.custom_parameters) parameters[name] = value;
    net::WsConnectRequest request;
    request.url = dialled.connect_url;
    request.connect_timeout = options_.connect_timeout;
    if (!options_.auth_token.empty()) {
      request.headers.emplace_back(
          "X-Twilio-Signature",
          carriers::twilio::compute_signature(options_.auth_token, dialled.signed_url));
    }
    socket = co_await client.connect(std::move(request));
  } catch (const std::exception& error) {
    result.errors.push_back(error.what());
  }
  if (!socket) {
    result.ended_by = "error";
    co_return result;
  }

  auto session = std::make_shared<MediaSession>(socket, ids_, clock);
  session->start(parameters);
  ScriptRunner runner(*session, script_, std::move(audio), options_.max_duration);
  co_await runner.run();
  const auto end = session->now();
  const bool closed_by_server = session->closed_by_server();
  co_await session->finish();

  const auto& bursts = session->playout().bursts();
  result.ended_by = closed_by_server ? "agent" : "caller";
  result.duration_ms = to_ms(end);
  result.steps_completed = runner.steps_completed();
  if (!bursts.empty()) result.first_agent_audio_ms = to_ms(bursts.front().start);
  result.turns = runner.turns();
  result.transcript = runner.transcript();
  result.frames_sent = session->frames_sent();
  result.frames_received = session->frames_received();
  result.marks_echoed = session->marks_echoed();
  result.clears_received = session->clears_received();
  for (const auto& clear : session->clears()) {
    result.clears.push_back(ClearReport{
        to_ms(clear.at), clear.next_media ? std::optional(to_ms(*clear.next_media - clear.at)) : std::nullopt});
  }
  result.errors = runner.errors();
  result.errors.insert(result.errors.end(), session->errors().begin(), session->errors().end());
  result.recording = stereo_recording(session->caller_samples(), session->playout().samples(),
                                      static_cast<std::size_t>(end));
  if (!options_.recording_path.empty()) {
    try {
      audio::write_wav_file(options_.recording_path, result.recording);
    } catch (const std::exception& error) {
      result.errors.push_back("writing the recording: " + std::string(error.what()));
    }
  }
  co_return result;
}

}  // namespace patter::sim
