#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "net/router.hpp"
#include "server/twilio_media_stream.hpp"

namespace patter::server {

struct TwilioWebhookConfig {
  // The public host Twilio calls (webhook_url without scheme): signatures are computed over
  // https://{public_host}{path}, never over the Host header a proxy may rewrite.
  std::string public_host;
  std::string auth_token;
  bool require_signature = true;
  MediaStreamOptions media;
};

// Call status as Twilio reports it to /webhooks/twilio/status.
struct TwilioStatus {
  std::string call_sid;
  std::string status;
  std::string from;
  std::string to;
  std::optional<double> duration_seconds;
};

// What the routes need from the rest of the server.
struct TwilioRouteHandlers {
  TwilioCallFactory create_call;
  TwilioCallActions actions;
  std::function<void(const TwilioStatus&)> on_status;
  // AMD found a machine and the greeting has ended: drop the voicemail (empty: no drop).
  std::function<void(const std::string& call_sid)> on_machine_end;
};

// Media-stream paths handed out by webhooks or outbound calls; a stream may only open on one of
// them (unless signatures are off), so nobody can start a call by guessing a URL.
class StreamTickets {
 public:
  explicit StreamTickets(std::chrono::seconds lifetime = std::chrono::seconds(120)) : lifetime_(lifetime) {}
  void issue(const std::string& stream_id);
  // Consumes the ticket: true once per issued, unexpired id.
  bool redeem(const std::string& stream_id);

 private:
  std::chrono::seconds lifetime_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> tickets_;
};

// POST /webhooks/twilio/{voice,status,amd,recording} and WS /ws/stream/{call_id}, every webhook
// checked against X-Twilio-Signature: 503 when no auth token is configured, 403 on mismatch.
void add_twilio_routes(net::Router& router, TwilioWebhookConfig config, TwilioRouteHandlers handlers,
                       std::shared_ptr<StreamTickets> tickets);

}  // namespace patter::server
