#include "server/twilio_routes.hpp"

#include <spdlog/spdlog.h>

#include <boost/algorithm/string/predicate.hpp>
#include <boost/json.hpp>

#include <charconv>

#include "carriers/twilio/sid.hpp"
#include "carriers/twilio/signature.hpp"
#include "carriers/twilio/twiml.hpp"
#include "core/phone_number.hpp"

namespace patter::server {

namespace twilio = carriers::twilio;

namespace {

struct Shared {
  TwilioWebhookConfig config;
  TwilioRouteHandlers handlers;
  std::shared_ptr<StreamTickets> tickets;
};

std::string field(const net::NameValuePairs& form, std::string_view name) {
  for (const auto& [key, value] : form) {
    if (key == name) return value;
  }
  return {};
}

std::string first_field(const net::NameValuePairs& form, std::string_view a, std::string_view b) {
  std::string value = field(form, a);
  return value.empty() ? field(form, b) : value;
}

bool has_json_body(const net::HttpRequest& request) {
  const auto type = request.header("Content-Type").value_or("");
  return type.size() >= 16 && boost::algorithm::istarts_with(type, "application/json");
}

// A JSON webhook's top-level members as fields (strings as they are, other values as JSON text).
std::optional<net::NameValuePairs> json_fields(const std::string& body) {
  boost::system::error_code error;
  const auto parsed = boost::json::parse(body, error);
  if (error || !parsed.is_object()) return std::nullopt;
  net::NameValuePairs fields;
  for (const auto& [name, value] : parsed.get_object()) {
    fields.emplace_back(std::string(name),
                        value.is_string() ? std::string(value.get_string()) : boost::json::serialize(value));
  }
  return fields;
}

// Reads a webhook's fields (form or JSON body) into `fields` and checks its signature. Returns
// the response to send when it is refused.
std::optional<net::HttpResponse> read_webhook(const Shared& shared, const net::HttpRequest& request,
                                              net::NameValuePairs& fields) {
  const bool json = has_json_body(request);
  if (json) {
    auto parsed = json_fields(request.body);
    if (!parsed) return net::HttpResponse::error(400, "the body is not a JSON object");
    fields = std::move(*parsed);
  } else {
    fields = request.form();
  }
  if (!shared.config.require_signature) return std::nullopt;
  if (shared.config.auth_token.empty()) {
    spdlog::error("{}: rejected (503): TWILIO_AUTH_TOKEN is not configured, so its signature cannot be checked",
                  request.path);
    return net::HttpResponse::error(503, "webhook signature cannot be verified");
  }
  const std::string url = "https://" + shared.config.public_host + request.target;
  const auto signature = request.header("X-Twilio-Signature").value_or("");
  const auto check =
      json ? twilio::validate_json_request(shared.config.auth_token, url, request.body, signature)
           : twilio::validate_form_request(shared.config.auth_token, url,
                                           twilio::FormParams(fields.begin(), fields.end()), signature);
  if (check == twilio::SignatureCheck::ok) return std::nullopt;
  spdlog::warn("{}: rejected (403): {} for {}", request.path, twilio::to_string(check), url);
  return net::HttpResponse::error(403, "invalid Twilio signature");
}

net::HttpResponse no_content() {
  net::HttpResponse response;
  response.status = 204;
  return response;
}

}  // namespace

void StreamTickets::issue(const std::string& stream_id) {
  const auto now = std::chrono::steady_clock::now();
  const std::lock_guard lock(mutex_);
  std::erase_if(tickets_, [now](const auto& entry) { return entry.second < now; });
  tickets_[stream_id] = now + lifetime_;
}

bool StreamTickets::redeem(const std::string& stream_id) {
  const std::lock_guard lock(mutex_);
  const auto found = tickets_.find(stream_id);
  if (found == tickets_.end()) return false;
  const bool valid = found->second >= std::chrono::steady_clock::now();
  tickets_.erase(found);
  return valid;
}

void add_twilio_routes(net::Router& router, TwilioWebhookConfig config, TwilioRouteHandlers handlers,
                       std::shared_ptr<StreamTickets> tickets) {
  auto shared = std::make_shared<Shared>(Shared{std::move(config), std::move(handlers), std::move(tickets)});

  router.post("/webhooks/twilio/voice", [shared](net::HttpRequest& request) -> boost::asio::awaitable<net::HttpResponse> {
    net::NameValuePairs form;
    if (auto rejected = read_webhook(*shared, request, form)) co_return std::move(*rejected);
    const std::string call_sid = field(form, "CallSid");
    if (!twilio::is_valid_sid(call_sid, twilio::SidKind::call)) {
      co_return net::HttpResponse::error(400, "CallSid is missing or malformed");
    }
    shared->tickets->issue(call_sid);
    twilio::StreamParameters parameters{{"caller", first_field(form, "From", "Caller")},
                                        {"callee", first_field(form, "To", "Called")}};
    spdlog::info("call {}: incoming from {}", call_sid, core::mask_phone(parameters["caller"]));
    co_return net::HttpResponse::text(
        twilio::connect_stream_twiml("wss://" + shared->config.public_host + "/ws/stream/" + call_sid,
                                     parameters),
        200, "text/xml");
  });

  router.post("/webhooks/twilio/status", [shared](net::HttpRequest& request) -> boost::asio::awaitable<net::HttpResponse> {
    net::NameValuePairs form;
    if (auto rejected = read_webhook(*shared, request, form)) co_return std::move(*rejected);
    TwilioStatus status;
    status.call_sid = field(form, "CallSid");
    status.status = field(form, "CallStatus");
    if (!twilio::is_valid_sid(status.call_sid, twilio::SidKind::call) || status.status.empty()) {
      co_return net::HttpResponse::error(400, "CallSid or CallStatus is missing or malformed");
    }
    status.from = first_field(form, "From", "Caller");
    status.to = first_field(form, "To", "Called");
    const std::string duration = first_field(form, "CallDuration", "Duration");
    double seconds = 0;
    if (!duration.empty() &&
        std::from_chars(duration.data(), duration.data() + duration.size(), seconds).ec == std::errc{}) {
      status.duration_seconds = seconds;
    }
    if (shared->handlers.on_status) shared->handlers.on_status(status);
    co_return no_content();
  });

  router.post("/webhooks/twilio/amd", [shared](net::HttpRequest& request) -> boost::asio::awaitable<net::HttpResponse> {
    net::NameValuePairs form;
    if (auto rejected = read_webhook(*shared, request, form)) co_return std::move(*rejected);
    const std::string call_sid = field(form, "CallSid");
    if (!twilio::is_valid_sid(call_sid, twilio::SidKind::call)) {
      co_return net::HttpResponse::error(400, "CallSid is missing or malformed");
    }
    const std::string answered_by = field(form, "AnsweredBy");
    spdlog::info("call {}: answered by {}", call_sid, answered_by.empty() ? "unknown" : answered_by);
    // machine_end_beep, machine_end_silence, machine_end_other: the greeting is over.
    if (answered_by.starts_with("machine_end_") && shared->handlers.on_machine_end) {
      shared->handlers.on_machine_end(call_sid);
    }
    co_return no_content();
  });

  router.post("/webhooks/twilio/recording", [shared](net::HttpRequest& request) -> boost::asio::awaitable<net::HttpResponse> {
    net::NameValuePairs form;
    if (auto rejected = read_webhook(*shared, request, form)) co_return std::move(*rejected);
    spdlog::info("call {}: recording {} is {}", field(form, "CallSid"), field(form, "RecordingSid"),
                 field(form, "RecordingStatus"));
    co_return no_content();
  });

  router.add_websocket(
      "/ws/stream/{call_id}",
      [shared](net::HttpRequest& request, std::shared_ptr<net::WebSocket> socket) -> boost::asio::awaitable<void> {
        std::string call_id(request.path_param("call_id"));
        co_await run_twilio_media_stream(std::move(socket), std::move(call_id), shared->handlers.create_call,
                                         shared->handlers.actions, shared->config.media);
      },
      [shared](const net::HttpRequest& request) -> boost::asio::awaitable<std::optional<net::HttpResponse>> {
        if (!shared->config.require_signature) co_return std::nullopt;
        const std::string call_id(request.path_param("call_id"));
        if (shared->tickets->redeem(call_id)) co_return std::nullopt;
        spdlog::warn("media stream {}: refused (403): no webhook announced it", call_id);
        co_return net::HttpResponse::error(403, "unknown media stream");
      });
}

}  // namespace patter::server
