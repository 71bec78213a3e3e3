#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fakes/fake_server.hpp"

namespace patter::fakes {

namespace detail {
struct FakeTwilioRestState;
}  // namespace detail

struct FakeTwilioRestOptions {
  std::string account_sid = "AC0123456789abcdef0123456789abcdef";
  std::string auth_token = "fake-twilio-auth-token";
  bool tls = false;
  // FakeServer routes are exact paths fixed at start, so Calls.json hands out SIDs from a pool
  // of this many, made (and routed) up front.
  std::size_t call_capacity = 16;
  // Calls Twilio placed itself (inbound), already in progress and open to updates.
  std::vector<std::string> existing_call_sids;
  // The account's numbers: the only valid From values and what IncomingPhoneNumbers lists.
  std::vector<std::string> phone_numbers = {"+15550001111"};
};

using FakeFormFields = std::vector<std::pair<std::string, std::string>>;

// One request the fake received, routed or not.
struct FakeTwilioRequest {
  std::string method;
  std::string path;
  FakeFormFields query;
  FakeFormFields form;  // decoded body fields in order, repeated names kept
  bool authorized = false;

  [[nodiscard]] std::optional<std::string> field(std::string_view name) const;
  [[nodiscard]] std::vector<std::string> fields(std::string_view name) const;
};

struct FakeTwilioCall {
  std::string sid;
  std::string to;
  std::string from;
  std::string direction;             // "outbound-api" or "inbound"
  std::string status;                // queued, ringing, in-progress, completed, canceled, ...
  std::vector<std::string> twiml;    // from Calls.json, then each update in order
  std::optional<std::string> price;  // e.g. "-0.0085"; JSON null when unset
  std::vector<std::string> recording_sids;
  FakeFormFields create_form;  // the Calls.json fields (empty for existing calls)
};

struct FakeTwilioNumber {
  std::string sid;  // PN…
  std::string phone_number;
  std::string voice_url;
  std::string voice_method;
};

// A Twilio REST API (2010-04-01) on a FakeServer, started on construction: Basic auth, Calls
// (create, fetch, update with Twiml/Status), Recordings and IncomingPhoneNumbers, answering
// with Twilio-shaped JSON resources and error bodies {"code","message","more_info","status"}.
// Error codes other than 20003 (auth) and 20404 (not found) are best guesses.
class FakeTwilioRest {
 public:
  explicit FakeTwilioRest(FakeTwilioRestOptions options = {});
  ~FakeTwilioRest();
  FakeTwilioRest(const FakeTwilioRest&) = delete;
  FakeTwilioRest& operator=(const FakeTwilioRest&) = delete;

  // The client's base URL, e.g. http://127.0.0.1:PORT.
  [[nodiscard]] std::string base_url() const;
  [[nodiscard]] const FakeTwilioRestOptions& options() const { return options_; }
  [[nodiscard]] FakeServer& server() { return server_; }

  [[nodiscard]] std::vector<FakeTwilioRequest> requests() const;
  [[nodiscard]] std::vector<FakeTwilioCall> calls() const;  // existing, then created in order
  [[nodiscard]] std::optional<FakeTwilioCall> call(std::string_view sid) const;
  [[nodiscard]] std::vector<FakeTwilioNumber> numbers() const;
  // Twilio warnings the requests would have drawn, e.g. "21626" for a space-joined
  // StatusCallbackEvent.
  [[nodiscard]] std::vector<std::string> warnings() const;

  // Moves a call on (queued → ringing → in-progress → completed, ...).
  void set_call_status(std::string_view sid, std::string status);
  void set_call_price(std::string_view sid, std::optional<std::string> price);
  // The next request, whatever it is, gets this Twilio error instead of its answer.
  void fail_next(int status, int code, std::string message);
  // The next request gets exactly this body (e.g. a non-JSON proxy error page).
  void fail_next_raw(int status, std::string body);

 private:
  FakeTwilioRestOptions options_;
  std::shared_ptr<detail::FakeTwilioRestState> state_;
  FakeServer server_;
};

}  // namespace patter::fakes
