#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <patter/agent.hpp>
#include <patter/callbacks.hpp>

#include "dashboard/call_log.hpp"
#include "session/call_events.hpp"
#include "session/pricing.hpp"

namespace patter::server {

struct TwilioSettings {
  std::string account_sid;
  std::string auth_token;
  std::string api_base_url = "https://api.twilio.com";
  std::string public_host;   // the host Twilio reaches us at
  std::string phone_number;  // E.164: outbound caller id, and the number auto-configured
  bool require_signature = true;
  bool configure_number = true;  // point the number's VoiceUrl here at start
  // false: never call the REST API. Inbound calls still work (hanging up closes the media
  // stream, which ends a <Connect> call); outbound calls, transfers, recordings, voicemail drops
  // and number configuration do not.
  bool use_rest_api = true;
  // A media stream that has not sent `start` by then is closed (1008) and its call ended.
  std::chrono::milliseconds stream_start_timeout{std::chrono::seconds(10)};
  // After a call completes, its billed price is fetched after each of these delays until Twilio
  // has one (it appears some seconds to minutes later); it replaces the estimate in the store.
  std::vector<std::chrono::milliseconds> price_lookup_delays{std::chrono::seconds(5), std::chrono::seconds(30),
                                                             std::chrono::seconds(120)};
};

struct PatterServerConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8000;
  std::size_t threads = 0;
  std::chrono::milliseconds drain_timeout{std::chrono::seconds(10)};
  bool dashboard = true;
  std::filesystem::path database;
  std::string dashboard_token;
  std::filesystem::path dashboard_web_root;  // the built SPA; empty: searched (see dashboard/web_root.hpp)
  std::optional<TwilioSettings> twilio;
  std::string voicemail_message;
  bool recording = false;
  session::PricingTable pricing = session::PricingTable::defaults();
  std::filesystem::path vad_model;  // empty: the installed Silero model
  // The reference-compatible on-disk call log next to the store (see call_log_options_from_env).
  std::optional<dashboard::CallLogOptions> call_log;
};

struct OutboundCallRequest {
  std::string to;
  std::optional<Agent> agent;
  std::string first_message;
  std::map<std::string, std::string> variables;
  bool machine_detection = false;
  std::string voicemail_message;
  std::optional<std::chrono::seconds> ring_timeout = std::chrono::seconds(25);
};

// The running server behind `patter serve` and Patter::serve(): HTTP(S) listener, health, the
// dashboard API and store, carrier webhooks and media streams, and the calls themselves.
class PatterServer {
 public:
  PatterServer(PatterServerConfig config, Agent agent, CallCallbacks callbacks,
               std::shared_ptr<session::CallEventBus> process_events = {});
  ~PatterServer();
  PatterServer(const PatterServer&) = delete;
  PatterServer& operator=(const PatterServer&) = delete;

  // Binds and starts the event loops. Throws core::Error (unavailable, config_invalid).
  void start();
  [[nodiscard]] std::uint16_t port() const;
  // Closes media streams (1001), waits up to the drain timeout, stops. Idempotent.
  void stop();

  // Places an outbound Twilio call and returns its SID; blocks until Twilio answers the request.
  // Throws core::Error.
  std::string place_call(OutboundCallRequest request);

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace patter::server
