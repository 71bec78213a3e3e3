#include "carriers/twilio/rest_client.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <utility>

#include <openssl/evp.h>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "carriers/twilio/sid.hpp"
#include "core/error.hpp"
#include "core/phone_number.hpp"
#include "net/client_error.hpp"
#include "net/url.hpp"

namespace patter::carriers::twilio {

namespace {

namespace json = boost::json;

constexpr std::size_t kMaxTwimlCharacters = 4000;
constexpr int kMaxRingSeconds = 600;
constexpr std::size_t kMaxQuotedMessage = 200;
constexpr std::string_view kCallbackEvents[] = {"initiated", "ringing", "answered", "completed"};

[[noreturn]] void invalid(const std::string& message) {
  throw core::Error(core::Errc::bad_request, "Twilio: " + message);
}

std::string base64(std::string_view text) {
  std::string encoded(4 * ((text.size() + 2) / 3), '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                                      reinterpret_cast<const unsigned char*>(text.data()),
                                      static_cast<int>(text.size()));
  encoded.resize(static_cast<std::size_t>(written));
  return encoded;
}

// Twilio caps inline TwiML in characters, not bytes.
std::size_t utf8_characters(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

void require_twiml(std::string_view twiml) {
  if (twiml.empty()) invalid("TwiML is empty");
  if (utf8_characters(twiml) > kMaxTwimlCharacters) {
    invalid("inline TwiML is longer than 4000 characters");
  }
}

void require_http_url(std::string_view url, std::string_view what) {
  try {
    const auto endpoint = net::parse_endpoint(url);
    if (endpoint.scheme == "http" || endpoint.scheme == "https") return;
  } catch (const net::UrlError&) {
  }
  invalid(std::string(what) + " must be an absolute http(s) URL");
}

// Incoming phone numbers have no SidKind; same shape as the others.
bool is_phone_number_sid(std::string_view sid) {
  return sid.size() == 34 && sid.starts_with("PN") &&
         std::all_of(sid.begin() + 2, sid.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

core::Errc errc_for_status(int status) {
  if (status == 401 || status == 403) return core::Errc::upstream_auth;
  if (status == 429) return core::Errc::rate_limited;
  return core::Errc::upstream_error;
}

core::Errc errc_for_transport(net::ClientErrorKind kind) {
  switch (kind) {
    case net::ClientErrorKind::connect_timeout:
    case net::ClientErrorKind::read_timeout:
    case net::ClientErrorKind::total_timeout:
      return core::Errc::timeout;
    case net::ClientErrorKind::cancelled:
      return core::Errc::cancelled;
    default:
      return core::Errc::upstream_error;
  }
}

// "HTTP 400, Twilio error 21211: The 'To' number …" from Twilio's error body when it has one.
std::string describe_failure(int status, std::string_view body) {
  std::string text = "HTTP " + std::to_string(status);
  boost::system::error_code error;
  const auto value = json::parse(body, error);
  const auto* object = error ? nullptr : value.if_object();
  if (object == nullptr) return text;
  if (const auto* code = object->if_contains("code"); code && code->is_int64()) {
    text += ", Twilio error " + std::to_string(code->get_int64());
  }
  if (const auto* message = object->if_contains("message"); message && message->is_string()) {
    const std::string_view quoted = message->get_string();
    text += ": " + std::string(quoted.substr(0, kMaxQuotedMessage));
  }
  return text;
}

json::object parse_object(std::string_view body, std::string_view operation) {
  boost::system::error_code error;
  auto value = json::parse(body, error);
  if (error || !value.is_object()) {
    throw core::Error(core::Errc::upstream_error,
                      "Twilio " + std::string(operation) + ": the response is not a JSON object");
  }
  return std::move(value.get_object());
}

std::string string_field(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value && value->is_string() ? std::string(value->get_string()) : std::string();
}

std::optional<double> parse_price(const json::value* price) {
  if (price == nullptr || price->is_null()) return std::nullopt;
  if (price->is_number()) return std::abs(price->to_number<double>());
  if (const auto* text = price->if_string()) {
    if (text->empty()) return std::nullopt;
    double amount = 0;
    const auto* end = text->data() + text->size();
    const auto [stop, error] = std::from_chars(text->data(), end, amount);
    if (error == std::errc() && stop == end) return std::abs(amount);
  }
  throw core::Error(core::Errc::upstream_error, "Twilio fetch call: the price is not a number");
}

}  // namespace

TwilioRestClient::TwilioRestClient(net::HttpClient& http, TwilioRestOptions options)
    : http_(http), options_(std::move(options)) {
  if (!is_valid_sid(options_.account_sid, SidKind::account)) {
    throw core::Error(core::Errc::config_invalid,
                      "Twilio account SID must be AC followed by 32 lower-case hex digits");
  }
  if (options_.auth_token.empty()) {
    throw core::Error(core::Errc::missing_credential, "Twilio auth token is not set");
  }
  authorization_ = "Basic " + base64(options_.account_sid + ":" + options_.auth_token);
}

std::string TwilioRestClient::account_url(std::string_view path) const {
  return net::join_url(options_.base_url,
                       "/2010-04-01/Accounts/" + options_.account_sid + "/" + std::string(path));
}

net::HttpClientRequest TwilioRestClient::prepare(net::HttpClientRequest request) const {
  request.headers.emplace_back("Authorization", authorization_);
  request.headers.emplace_back("Accept", "application/json");
  request.total_timeout = options_.request_timeout;
  return request;
}

boost::asio::awaitable<std::string> TwilioRestClient::send(net::HttpClientRequest request,
                                                           std::string_view operation) {
  auto prepared = prepare(std::move(request));
  net::HttpClientResponse response;
  try {
    response = co_await http_.request(std::move(prepared));
  } catch (const net::ClientError& error) {
    throw core::Error(errc_for_transport(error.kind()),
                      "Twilio " + std::string(operation) + " failed: " + error.what());
  }
  if (!response.ok()) {
    throw core::Error(errc_for_status(response.status),
                      "Twilio " + std::string(operation) +
                          " failed: " + describe_failure(response.status, response.body));
  }
  co_return std::move(response.body);
}

boost::asio::awaitable<std::string> TwilioRestClient::create_call(CreateCallRequest call) {
  if (!core::is_transfer_target(call.to)) invalid("'to' must be an E.164 number or a SIP URI");
  if (call.from.empty()) invalid("'from' is empty");
  require_twiml(call.twiml);
  net::QueryParams form = {{"To", call.to}, {"From", call.from}, {"Twiml", call.twiml}};
  if (call.timeout_seconds) {
    if (*call.timeout_seconds < 1 || *call.timeout_seconds > kMaxRingSeconds) {
      invalid("the ring timeout must be 1 to 600 seconds");
    }
    form.emplace_back("Timeout", std::to_string(*call.timeout_seconds));
  }
  if (!call.status_callback_url.empty()) {
    require_http_url(call.status_callback_url, "the status callback");
    form.emplace_back("StatusCallback", call.status_callback_url);
    form.emplace_back("StatusCallbackMethod", "POST");
    // One parameter per event: a single space-joined value draws Twilio warning 21626.
    for (const auto event : kCallbackEvents) form.emplace_back("StatusCallbackEvent", event);
  }
  if (call.machine_detection) {
    require_http_url(call.amd_callback_url, "the machine-detection callback");
    form.emplace_back("MachineDetection", "DetectMessageEnd");
    form.emplace_back("AsyncAmd", "true");
    form.emplace_back("AsyncAmdStatusCallback", call.amd_callback_url);
  }
  auto request = net::form_request(account_url("Calls.json"), form);
  const auto body = co_await send(std::move(request), "create call");
  const auto sid = string_field(parse_object(body, "create call"), "sid");
  if (!is_valid_sid(sid, SidKind::call)) {
    throw core::Error(core::Errc::upstream_error,
                      "Twilio create call: the response has no valid call SID");
  }
  co_return sid;
}

boost::asio::awaitable<void> TwilioRestClient::update_call_twiml(std::string call_sid,
                                                                 std::string twiml) {
  require_valid_sid(call_sid, SidKind::call);
  require_twiml(twiml);
  const net::QueryParams form = {{"Twiml", twiml}};
  auto request = net::form_request(account_url("Calls/" + call_sid + ".json"), form);
  co_await send(std::move(request), "update call");
}

boost::asio::awaitable<void> TwilioRestClient::hang_up(std::string call_sid) {
  require_valid_sid(call_sid, SidKind::call);
  const net::QueryParams form = {{"Status", "completed"}};
  auto request = net::form_request(account_url("Calls/" + call_sid + ".json"), form);
  co_await send(std::move(request), "hang up");
}

boost::asio::awaitable<std::string> TwilioRestClient::start_recording(std::string call_sid) {
  require_valid_sid(call_sid, SidKind::call);
  auto request = net::form_request(account_url("Calls/" + call_sid + "/Recordings.json"), {});
  const auto body = co_await send(std::move(request), "start recording");
  const auto sid = string_field(parse_object(body, "start recording"), "sid");
  if (!is_valid_sid(sid, SidKind::recording)) {
    throw core::Error(core::Errc::upstream_error,
                      "Twilio start recording: the response has no valid recording SID");
  }
  co_return sid;
}

boost::asio::awaitable<std::optional<double>> TwilioRestClient::fetch_call_price(
    std::string call_sid) {
  require_valid_sid(call_sid, SidKind::call);
  net::HttpClientRequest request;
  request.url = account_url("Calls/" + call_sid + ".json");
  const auto body = co_await send(std::move(request), "fetch call");
  const auto call = parse_object(body, "fetch call");
  co_return parse_price(call.if_contains("price"));
}

boost::asio::awaitable<void> TwilioRestClient::configure_number_voice_url(std::string phone_number,
                                                                          std::string voice_url) {
  if (!core::is_e164(phone_number)) invalid("the phone number must be E.164");
  require_http_url(voice_url, "the voice URL");
  net::HttpClientRequest lookup;
  const net::QueryParams query = {{"PhoneNumber", phone_number}};
  lookup.url = net::append_query(account_url("IncomingPhoneNumbers.json"), query);
  const auto body = co_await send(std::move(lookup), "find number");
  const auto page = parse_object(body, "find number");
  std::string number_sid;
  if (const auto* numbers = page.if_contains("incoming_phone_numbers");
      numbers && numbers->is_array()) {
    for (const auto& entry : numbers->get_array()) {
      if (entry.is_object() && string_field(entry.get_object(), "phone_number") == phone_number) {
        number_sid = string_field(entry.get_object(), "sid");
        break;
      }
    }
  }
  if (number_sid.empty()) {
    throw core::Error(core::Errc::not_found,
                      "Twilio: the account has no number " + core::mask_phone(phone_number));
  }
  if (!is_phone_number_sid(number_sid)) {
    throw core::Error(core::Errc::upstream_error,
                      "Twilio find number: the response has no valid phone number SID");
  }
  const net::QueryParams form = {{"VoiceUrl", voice_url}, {"VoiceMethod", "POST"}};
  auto update =
      net::form_request(account_url("IncomingPhoneNumbers/" + number_sid + ".json"), form);
  co_await send(std::move(update), "configure number");
}

}  // namespace patter::carriers::twilio
