#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "net/http_client.hpp"

namespace patter::carriers::twilio {

struct TwilioRestOptions {
  std::string account_sid;  // AC…, also the Basic-auth user
  std::string auth_token;
  std::string base_url = "https://api.twilio.com";
  std::chrono::milliseconds request_timeout{std::chrono::seconds(15)};
};

struct CreateCallRequest {
  std::string to;                           // E.164 number or SIP URI
  std::string from;                         // one of the account's numbers
  std::string twiml;                        // inline document, at most 4000 characters
  std::optional<int> timeout_seconds = 25;  // ring time; nullopt leaves Twilio's default
  // Receives initiated, ringing, answered and completed; empty subscribes to nothing.
  std::string status_callback_url;
  // Asynchronous answering-machine detection that waits for the greeting to end.
  bool machine_detection = false;
  std::string amd_callback_url;  // required with machine_detection
};

// The Twilio REST calls the runtime makes. Every SID is validated before a URL is built, so
// nothing a caller controls reaches a request path unchecked. Failures throw core::Error:
// upstream_auth (401/403), rate_limited (429), timeout, or upstream_error, with Twilio's error
// code and message when its JSON error body has them; invalid arguments throw bad_request
// before any request.
//
// Use from coroutines on the HttpClient's executor; the client must outlive this object.
class TwilioRestClient {
 public:
  // Throws core::Error(config_invalid) for a malformed account SID and
  // core::Error(missing_credential) for an empty auth token.
  TwilioRestClient(net::HttpClient& http, TwilioRestOptions options);

  // Places an outbound call and returns its SID (CA…).
  boost::asio::awaitable<std::string> create_call(CreateCallRequest request);
  // Replaces the TwiML a live call runs (a transfer via <Dial>, a voicemail drop via <Say>).
  boost::asio::awaitable<void> update_call_twiml(std::string call_sid, std::string twiml);
  boost::asio::awaitable<void> hang_up(std::string call_sid);
  // Starts recording a live call and returns the recording SID (RE…).
  boost::asio::awaitable<std::string> start_recording(std::string call_sid);
  // What the call cost as a positive amount in its price unit; nullopt until Twilio has priced
  // it.
  boost::asio::awaitable<std::optional<double>> fetch_call_price(std::string call_sid);
  // Points the account's number at `voice_url` (POST). Throws core::Error(not_found) when the
  // account has no such number.
  boost::asio::awaitable<void> configure_number_voice_url(std::string phone_number,
                                                          std::string voice_url);

 private:
  [[nodiscard]] std::string account_url(std::string_view path) const;
  [[nodiscard]] net::HttpClientRequest prepare(net::HttpClientRequest request) const;
  boost::asio::awaitable<std::string> send(net::HttpClientRequest request,
                                           std::string_view operation);

  net::HttpClient& http_;
  TwilioRestOptions options_;
  std::string authorization_;
};

}  // namespace patter::carriers::twilio
