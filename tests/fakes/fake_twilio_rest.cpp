#include "fakes/fake_twilio_rest.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <deque>
#include <functional>
#include <mutex>
#include <random>

#include <openssl/evp.h>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "core/phone_number.hpp"
#include "net/http_message.hpp"

namespace patter::fakes {

namespace {

namespace asio = boost::asio;
namespace json = boost::json;

std::optional<std::string> first(const FakeFormFields& fields, std::string_view name) {
  for (const auto& [key, value] : fields) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::string random_sid(std::string_view prefix, std::mt19937_64& random) {
  static constexpr std::string_view kHex = "0123456789abcdef";
  std::string sid(prefix);
  for (int i = 0; i < 32; ++i) sid.push_back(kHex[random() % kHex.size()]);
  return sid;
}

std::string basic_authorization(const std::string& user, const std::string& password) {
  const auto credentials = user + ":" + password;
  std::string encoded(4 * ((credentials.size() + 2) / 3), '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                                      reinterpret_cast<const unsigned char*>(credentials.data()),
                                      static_cast<int>(credentials.size()));
  encoded.resize(static_cast<std::size_t>(written));
  return "Basic " + encoded;
}

std::string rfc2822_now() {
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[40];
  std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S +0000", &utc);
  return text;
}

FakeFormFields parse_form(const std::string& body) {
  try {
    return net::parse_form_urlencoded(body);
  } catch (const net::HttpError&) {
    return {};
  }
}

FakeResponse json_response(int status, const json::value& body) {
  return FakeResponse{status, {{"Content-Type", "application/json"}}, json::serialize(body)};
}

FakeResponse twilio_error(int status, int code, std::string_view message) {
  return json_response(status, json::object{{"code", code},
                                            {"message", message},
                                            {"more_info", "https://www.twilio.com/docs/errors/" +
                                                              std::to_string(code)},
                                            {"status", status}});
}

bool is_terminal(std::string_view status) {
  return status == "completed" || status == "canceled" || status == "busy" || status == "failed" ||
         status == "no-answer";
}

}  // namespace

std::optional<std::string> FakeTwilioRequest::field(std::string_view name) const {
  return first(form, name);
}

std::vector<std::string> FakeTwilioRequest::fields(std::string_view name) const {
  std::vector<std::string> values;
  for (const auto& [key, value] : form) {
    if (key == name) values.push_back(value);
  }
  return values;
}

namespace detail {

struct FakeTwilioRestState {
  using Logic = std::function<FakeResponse(FakeTwilioRestState&, const FakeFormFields&)>;

  explicit FakeTwilioRestState(const FakeTwilioRestOptions& options)
      : account_sid(options.account_sid),
        authorization(basic_authorization(options.account_sid, options.auth_token)),
        account_path("/2010-04-01/Accounts/" + options.account_sid),
        random(std::random_device{}()) {
    for (std::size_t i = 0; i < options.call_capacity; ++i) {
      free_call_sids.push_back(random_sid("CA", random));
    }
    for (const auto& sid : options.existing_call_sids) {
      FakeTwilioCall call;
      call.sid = sid;
      call.direction = "inbound";
      call.status = "in-progress";
      calls.push_back(std::move(call));
    }
    for (const auto& phone_number : options.phone_numbers) {
      numbers.push_back(FakeTwilioNumber{random_sid("PN", random), phone_number, "", "POST"});
    }
  }

  FakeResponse answer(const FakeRequest& request, const Logic& logic) {
    std::lock_guard lock(mutex);
    if (!forced.empty()) {
      auto response = std::move(forced.front());
      forced.pop_front();
      return response;
    }
    if (request.header("Authorization") != authorization) {
      auto response = twilio_error(401, 20003, "Authenticate");
      response.headers.emplace_back("WWW-Authenticate", "Basic realm=\"Twilio API\"");
      return response;
    }
    return logic(*this, parse_form(request.body));
  }

  FakeTwilioCall* find_call(std::string_view sid) {
    const auto found = std::find_if(calls.begin(), calls.end(),
                                    [&](const FakeTwilioCall& call) { return call.sid == sid; });
    return found == calls.end() ? nullptr : &*found;
  }

  FakeResponse not_found(std::string_view resource_path) const {
    return twilio_error(
        404, 20404,
        "The requested resource " + account_path + std::string(resource_path) + " was not found");
  }

  [[nodiscard]] json::value call_resource(const FakeTwilioCall& call) const {
    const auto uri = account_path + "/Calls/" + call.sid;
    const auto number = std::find_if(numbers.begin(), numbers.end(), [&](const auto& entry) {
      return entry.phone_number == (call.direction == "inbound" ? call.to : call.from);
    });
    const auto now = rfc2822_now();
    return json::object{
        {"sid", call.sid},
        {"account_sid", account_sid},
        {"to", call.to},
        {"to_formatted", call.to},
        {"from", call.from},
        {"from_formatted", call.from},
        {"status", call.status},
        {"direction", call.direction},
        {"api_version", "2010-04-01"},
        {"answered_by", nullptr},
        {"parent_call_sid", nullptr},
        {"phone_number_sid", number == numbers.end() ? json::value() : json::value(number->sid)},
        {"start_time", nullptr},
        {"end_time", nullptr},
        {"duration", nullptr},
        {"price", call.price ? json::value(*call.price) : json::value()},
        {"price_unit", "USD"},
        {"date_created", now},
        {"date_updated", now},
        {"uri", uri + ".json"},
        {"subresource_uris", json::object{{"recordings", uri + "/Recordings.json"}}},
    };
  }

  [[nodiscard]] json::value number_resource(const FakeTwilioNumber& number) const {
    return json::object{
        {"sid", number.sid},
        {"account_sid", account_sid},
        {"phone_number", number.phone_number},
        {"friendly_name", number.phone_number},
        {"voice_url", number.voice_url},
        {"voice_method", number.voice_method},
        {"capabilities", json::object{{"voice", true}, {"sms", true}, {"mms", false}}},
        {"uri", account_path + "/IncomingPhoneNumbers/" + number.sid + ".json"},
    };
  }

  std::string account_sid;
  std::string authorization;
  std::string account_path;
  std::mt19937_64 random;
  std::mutex mutex;
  std::deque<std::string> free_call_sids;
  std::vector<FakeTwilioCall> calls;
  std::vector<FakeTwilioNumber> numbers;
  std::vector<std::string> warnings;
  std::deque<FakeResponse> forced;
};

}  // namespace detail

namespace {

using State = detail::FakeTwilioRestState;

FakeResponse create_call(State& state, const FakeFormFields& form) {
  const auto to = first(form, "To");
  const auto from = first(form, "From");
  if (!to) return twilio_error(400, 21201, "No 'To' number is specified");
  if (!from) return twilio_error(400, 21603, "A 'From' phone number is required.");
  if (!core::is_transfer_target(*to)) {
    return twilio_error(400, 21211, "The 'To' number " + *to + " is not a valid phone number.");
  }
  const bool owned = std::any_of(state.numbers.begin(), state.numbers.end(),
                                 [&](const auto& number) { return number.phone_number == *from; });
  if (!owned) {
    return twilio_error(
        400, 21210,
        "The source phone number provided, " + *from + ", is not yet verified for your account.");
  }
  const auto twiml = first(form, "Twiml");
  if (!twiml && !first(form, "Url") && !first(form, "ApplicationSid")) {
    return twilio_error(400, 21205, "Url parameter is required.");
  }
  for (const auto& [key, value] : form) {
    if (key == "StatusCallbackEvent" && value.find(' ') != std::string::npos) {
      state.warnings.emplace_back("21626");
    }
  }
  if (state.free_call_sids.empty()) {
    return twilio_error(500, 20500, "fake Twilio: call_capacity is exhausted");
  }
  FakeTwilioCall call;
  call.sid = std::move(state.free_call_sids.front());
  state.free_call_sids.pop_front();
  call.to = *to;
  call.from = *from;
  call.direction = "outbound-api";
  call.status = "queued";
  if (twiml) call.twiml.push_back(*twiml);
  call.create_form = form;
  state.calls.push_back(call);
  return json_response(201, state.call_resource(call));
}

FakeResponse update_call(State& state, const std::string& sid, const FakeFormFields& form) {
  auto* call = state.find_call(sid);
  if (call == nullptr) return state.not_found("/Calls/" + sid + ".json");
  const auto twiml = first(form, "Twiml");
  if (twiml || first(form, "Url")) {
    if (call->status != "in-progress") {
      return twilio_error(400, 21220, "Call is not in-progress. Cannot redirect.");
    }
    if (twiml) call->twiml.push_back(*twiml);
  }
  if (const auto status = first(form, "Status")) {
    if (*status == "completed") {
      if (!is_terminal(call->status)) call->status = "completed";
    } else if (*status == "canceled") {
      if (call->status == "queued" || call->status == "ringing") call->status = "canceled";
    } else {
      return twilio_error(400, 20001, "Status must be completed or canceled");
    }
  }
  return json_response(200, state.call_resource(*call));
}

FakeResponse fetch_call(State& state, const std::string& sid) {
  const auto* call = state.find_call(sid);
  if (call == nullptr) return state.not_found("/Calls/" + sid + ".json");
  return json_response(200, state.call_resource(*call));
}

FakeResponse start_recording(State& state, const std::string& sid) {
  auto* call = state.find_call(sid);
  if (call == nullptr) return state.not_found("/Calls/" + sid + "/Recordings.json");
  if (call->status != "in-progress") {
    return twilio_error(400, 21220, "Call is not in-progress. Cannot start recording.");
  }
  auto recording_sid = random_sid("RE", state.random);
  call->recording_sids.push_back(recording_sid);
  const auto now = rfc2822_now();
  return json_response(201, json::object{{"sid", recording_sid},
                                         {"account_sid", state.account_sid},
                                         {"call_sid", sid},
                                         {"conference_sid", nullptr},
                                         {"status", "in-progress"},
                                         {"source", "StartCallRecordingAPI"},
                                         {"channels", 1},
                                         {"track", "both"},
                                         {"start_time", now},
                                         {"date_created", now},
                                         {"date_updated", now},
                                         {"duration", nullptr},
                                         {"price", nullptr},
                                         {"price_unit", "USD"},
                                         {"error_code", nullptr},
                                         {"uri", state.account_path + "/Calls/" + sid +
                                                     "/Recordings/" + recording_sid + ".json"}});
}

FakeResponse list_numbers(State& state, const FakeRequest& request) {
  const auto wanted = request.query_param("PhoneNumber");
  json::array page;
  for (const auto& number : state.numbers) {
    if (!wanted || *wanted == number.phone_number) page.push_back(state.number_resource(number));
  }
  const auto uri = state.account_path + "/IncomingPhoneNumbers.json?PageSize=50&Page=0";
  return json_response(200, json::object{{"incoming_phone_numbers", std::move(page)},
                                         {"page", 0},
                                         {"page_size", 50},
                                         {"uri", uri},
                                         {"first_page_uri", uri},
                                         {"next_page_uri", nullptr},
                                         {"previous_page_uri", nullptr}});
}

FakeResponse update_number(State& state, const std::string& sid, const FakeFormFields& form) {
  auto number = std::find_if(state.numbers.begin(), state.numbers.end(),
                             [&](const auto& entry) { return entry.sid == sid; });
  if (const auto url = first(form, "VoiceUrl")) number->voice_url = *url;
  if (const auto method = first(form, "VoiceMethod")) number->voice_method = *method;
  return json_response(200, state.number_resource(*number));
}

FakeServerOptions server_options(bool tls) {
  FakeServerOptions options;
  options.tls = tls;
  return options;
}

}  // namespace

FakeTwilioRest::FakeTwilioRest(FakeTwilioRestOptions options)
    : options_(std::move(options)),
      state_(std::make_shared<State>(options_)),
      server_(server_options(options_.tls)) {
  const auto route = [this](std::string method, const std::string& path, State::Logic logic) {
    server_.on_http(std::move(method), state_->account_path + path,
                    [state = state_, logic = std::move(logic)](
                        FakeHttpExchange& exchange) -> asio::awaitable<void> {
                      auto response = state->answer(exchange.request(), logic);
                      co_await exchange.respond(std::move(response));
                    });
  };
  route("POST", "/Calls.json", create_call);
  std::vector<std::string> call_sids(state_->free_call_sids.begin(), state_->free_call_sids.end());
  call_sids.insert(call_sids.end(), options_.existing_call_sids.begin(),
                   options_.existing_call_sids.end());
  for (const auto& sid : call_sids) {
    const auto call_path = "/Calls/" + sid;
    route("POST", call_path + ".json", [sid](State& state, const FakeFormFields& form) {
      return update_call(state, sid, form);
    });
    route("GET", call_path + ".json",
          [sid](State& state, const FakeFormFields&) { return fetch_call(state, sid); });
    route("POST", call_path + "/Recordings.json",
          [sid](State& state, const FakeFormFields&) { return start_recording(state, sid); });
  }
  server_.on_http("GET", state_->account_path + "/IncomingPhoneNumbers.json",
                  [state = state_](FakeHttpExchange& exchange) -> asio::awaitable<void> {
                    const auto& request = exchange.request();
                    auto response =
                        state->answer(request, [&](State& locked, const FakeFormFields&) {
                          return list_numbers(locked, request);
                        });
                    co_await exchange.respond(std::move(response));
                  });
  for (const auto& number : state_->numbers) {
    route("POST", "/IncomingPhoneNumbers/" + number.sid + ".json",
          [sid = number.sid](State& state, const FakeFormFields& form) {
            return update_number(state, sid, form);
          });
  }
  server_.start();
}

FakeTwilioRest::~FakeTwilioRest() = default;

std::string FakeTwilioRest::base_url() const {
  return server_.url("");
}

std::vector<FakeTwilioRequest> FakeTwilioRest::requests() const {
  std::vector<FakeTwilioRequest> requests;
  for (const auto& seen : server_.log().requests()) {
    requests.push_back(FakeTwilioRequest{seen.method, seen.path, seen.query, parse_form(seen.body),
                                         seen.header("Authorization") == state_->authorization});
  }
  return requests;
}

std::vector<FakeTwilioCall> FakeTwilioRest::calls() const {
  std::lock_guard lock(state_->mutex);
  return state_->calls;
}

std::optional<FakeTwilioCall> FakeTwilioRest::call(std::string_view sid) const {
  std::lock_guard lock(state_->mutex);
  const auto* found = state_->find_call(sid);
  return found ? std::optional(*found) : std::nullopt;
}

std::vector<FakeTwilioNumber> FakeTwilioRest::numbers() const {
  std::lock_guard lock(state_->mutex);
  return state_->numbers;
}

std::vector<std::string> FakeTwilioRest::warnings() const {
  std::lock_guard lock(state_->mutex);
  return state_->warnings;
}

void FakeTwilioRest::set_call_status(std::string_view sid, std::string status) {
  std::lock_guard lock(state_->mutex);
  if (auto* call = state_->find_call(sid)) call->status = std::move(status);
}

void FakeTwilioRest::set_call_price(std::string_view sid, std::optional<std::string> price) {
  std::lock_guard lock(state_->mutex);
  if (auto* call = state_->find_call(sid)) call->price = std::move(price);
}

void FakeTwilioRest::fail_next(int status, int code, std::string message) {
  std::lock_guard lock(state_->mutex);
  state_->forced.push_back(twilio_error(status, code, message));
}

void FakeTwilioRest::fail_next_raw(int status, std::string body) {
  std::lock_guard lock(state_->mutex);
  state_->forced.push_back(FakeResponse{status, {{"Content-Type", "text/html"}}, std::move(body)});
}

}  // namespace patter::fakes
