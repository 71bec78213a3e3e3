#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "core/clock.hpp"
#include "sim/call_script.hpp"
#include "sim/simulation_result.hpp"
#include "sim/stream_messages.hpp"

namespace patter::net {
class TlsClientContext;
}  // namespace patter::net

namespace patter::providers {
class EspeakEngine;
}  // namespace patter::providers

namespace patter::sim {

struct SimulatedCallerOptions {
  // The voice webhook to POST first, as Twilio does for an inbound call
  // ("http://127.0.0.1:8080/webhooks/twilio/voice"). Empty: skip it and connect to stream_url.
  std::string webhook_url;
  // The URL the server rebuilds from its public host and validates the signature against.
  // Empty: webhook_url.
  std::string signature_url;
  // Twilio auth token. When set, the webhook and the WebSocket upgrade carry X-Twilio-Signature
  // (the upgrade's covers the stream URL exactly as the TwiML gave it).
  std::string auth_token;
  // Where to open the media WebSocket: required without a webhook; with one it overrides the
  // TwiML's <Stream url> (a server behind a tunnel reached locally).
  std::string stream_url;
  // Where to open the media WebSocket instead of the TwiML's host, keeping its path and query
  // ("ws://127.0.0.1:8000"): a server whose public host is a tunnel, called locally. Ignored
  // when stream_url is set.
  std::string stream_origin;
  std::string account_sid;  // AC…; empty: a random one
  // CA…; empty: a random one. An outbound call's stream carries the SID the REST API returned.
  std::string call_sid;
  // Needed when the script speaks text (say, barge_in); the process's one engine.
  std::shared_ptr<providers::EspeakEngine> speech;
  // Must tick in real time; null: steady time on the calling coroutine's executor.
  const core::Clock* clock = nullptr;
  // Ends the call (with an error in the report) if the script is still running by then.
  std::chrono::milliseconds max_duration{std::chrono::minutes(10)};
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  // Where to write the stereo recording as a WAV file; empty: only in the result.
  std::filesystem::path recording_path;
  // Null: a context trusting the system store for https/wss.
  std::shared_ptr<net::TlsClientContext> tls;
};

// Calls a running server the way Twilio does: the voice webhook, the TwiML's <Connect><Stream>,
// then the Media Streams WebSocket with the script played in real time. See docs/simulator.md.
class SimulatedCaller {
 public:
  // Throws core::Error(config_invalid) when neither a webhook nor a stream URL is given.
  SimulatedCaller(CallScript script, SimulatedCallerOptions options);

  // Runs the whole call on the awaiting coroutine's executor. Setup problems found before
  // dialling (a WAV that cannot be read, speech without an engine, a failed synthesis) throw
  // core::Error; everything that goes wrong once dialling starts is reported in the result
  // (errors, ended_by "error"). Call once.
  boost::asio::awaitable<SimulationResult> run();

  [[nodiscard]] const std::string& call_sid() const { return ids_.call_sid; }
  [[nodiscard]] const std::string& stream_sid() const { return ids_.stream_sid; }

 private:
  struct Dialled {
    std::string connect_url;
    std::string signed_url;
    std::map<std::string, std::string> parameters;
  };
  boost::asio::awaitable<Dialled> dial();

  CallScript script_;
  SimulatedCallerOptions options_;
  StreamIds ids_;
};

// "CA", "AC", "MZ" ... followed by 32 random lower-case hex digits.
[[nodiscard]] std::string random_sid(std::string_view prefix);

}  // namespace patter::sim
