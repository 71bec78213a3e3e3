#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>

#include "core/config.hpp"

namespace patter::app {

struct SimulateOptions {
  std::filesystem::path script;
  // The server as this machine reaches it; the voice webhook is {server}/webhooks/twilio/voice
  // and the media stream is opened here too, whatever host the TwiML names.
  std::string server_url = "http://127.0.0.1:8000";
  // The server's twilio.public_host, which its signatures are checked against; empty: the
  // server URL's host.
  std::string public_host;
  // Signs the webhook and the stream; empty: $TWILIO_AUTH_TOKEN, and unsigned without it.
  std::string auth_token;
  // Skip the webhook and open this media stream URL directly.
  std::string stream_url;
  std::filesystem::path recording;              // stereo WAV; empty: none
  std::optional<std::filesystem::path> report;  // JSON report; "-" for standard output
  std::chrono::seconds max_duration{600};
};

// `patter simulate`: one scripted call against a running server. Returns the exit status: 0 when
// the call ran without errors, 1 when the report lists errors; throws core::Error for a bad
// script or options.
int run_simulate(const SimulateOptions& options, std::ostream& out,
                 const core::EnvLookup& env = core::process_env());

}  // namespace patter::app
