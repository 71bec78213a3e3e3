#pragma once

// patter: give an AI agent a phone number.
//
//   patter::Patter phone(patter::Twilio{}, "+15550001234", "agent.example.com");
//   patter::Agent agent;
//   agent.system_prompt = "You are the front desk of a small hotel.";
//   ...
//   phone.serve(agent);   // listens; Twilio calls reach the agent
//   phone.wait();         // until disconnect()

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <patter/agent.hpp>
#include <patter/callbacks.hpp>
#include <patter/events.hpp>

namespace patter {

// Twilio credentials; empty fields are read from TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN.
struct Twilio {
  std::string account_sid;
  std::string auth_token;
  std::string api_base_url = "https://api.twilio.com";
};

struct ServeOptions {
  std::string host = "127.0.0.1";  // loopback by default: put a tunnel or proxy in front
  std::uint16_t port = 8000;       // 0 picks a free port (see Patter::port())
  std::size_t threads = 0;         // event loops; 0 = one per core
  CallCallbacks callbacks;
  bool recording = false;          // record every call (Twilio Recordings API)
  std::string voicemail_message;   // spoken to answering machines on outbound calls with AMD
  bool dashboard = true;           // keep call records and serve the dashboard API
  std::string dashboard_token;     // required when listening beyond loopback
  std::string dashboard_database;  // SQLite file; empty = ~/.local/share/patter/calls.db
  // Reject unsigned webhooks (403) and media streams no webhook announced. Turn off only for
  // local experiments.
  bool require_signature = true;
};

struct OutboundCall {
  std::string to;  // E.164
  // The agent for this call only; the served agent when absent.
  std::optional<Agent> agent;
  std::string first_message;                   // replaces the agent's, when set
  std::map<std::string, std::string> variables;  // merged over the agent's
  bool machine_detection = false;
  std::string voicemail_message;  // replaces the serve() one for this call
  std::optional<std::chrono::seconds> ring_timeout = std::chrono::seconds(25);  // nullopt: Twilio's
};

// One phone number served by one agent. Construction checks the configuration (throws
// std::invalid_argument naming the problem); serve() starts the server.
class Patter {
 public:
  // `webhook_url` is the public host name Twilio reaches the server at ("https://" and a
  // trailing "/" are accepted and dropped).
  Patter(Twilio carrier, std::string phone_number, std::string webhook_url);
  ~Patter();
  Patter(const Patter&) = delete;
  Patter& operator=(const Patter&) = delete;

  // Starts serving `agent`: binds, then points the number's voice webhook at this server.
  // Returns once the server listens; throws std::runtime_error if it cannot start.
  void serve(Agent agent, ServeOptions options = {});
  [[nodiscard]] std::uint16_t port() const;
  // Blocks until disconnect() is called (from another thread or a callback).
  void wait();
  // Ends active calls' streams (close 1001), drains up to 10 s and stops. Idempotent.
  void disconnect();

  // Places an outbound call with the served agent (or the call's own); returns the call SID.
  // Requires serve() first. Throws std::runtime_error when Twilio refuses the call.
  std::string call(OutboundCall call);

  // A conversation with `agent` in the terminal, in text (stdin/stdout): no phone, no server.
  int test(Agent agent, CallCallbacks callbacks = {});

  // Events of every call served (subscribe before serve() to see them all).
  EventBus& events();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace patter
