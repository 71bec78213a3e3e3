#include "providers/realtime/convai_failure.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "core/log.hpp"
#include "providers/realtime/elevenlabs_convai_config.hpp"

namespace patter::providers {

namespace json = boost::json;

namespace {

constexpr std::size_t kShownBytes = 200;
constexpr std::string_view kPrefix = "elevenlabs_convai: ";

std::string shorten(std::string_view text) {
  std::string line(text.substr(0, kShownBytes));
  std::replace(line.begin(), line.end(), '\n', ' ');
  std::replace(line.begin(), line.end(), '\r', ' ');
  return core::redact(line + (text.size() > kShownBytes ? "..." : ""));
}

// {"detail":{"status","message"}}, {"detail":"..."} or {"detail":[{"msg"}]}; else the body.
std::string server_message(std::string_view body) {
  boost::system::error_code error;
  const auto parsed = json::parse(body, error);
  const auto* object = error ? nullptr : parsed.if_object();
  const auto* detail = object != nullptr ? object->if_contains("detail") : nullptr;
  if (detail == nullptr) return shorten(body);
  if (detail->is_string()) return shorten(detail->as_string());
  if (const auto* fields = detail->if_object()) {
    std::string message;
    if (const auto* text = fields->if_contains("message"); text != nullptr && text->is_string()) {
      message = shorten(text->as_string());
    }
    if (const auto* status = fields->if_contains("status");
        status != nullptr && status->is_string()) {
      message += (message.empty() ? "(" : " (") + std::string(status->as_string()) + ")";
    }
    return message.empty() ? shorten(body) : message;
  }
  if (const auto* problems = detail->if_array()) {
    std::string joined;
    for (const auto& problem : *problems) {
      const auto* fields = problem.if_object();
      const auto* msg = fields != nullptr ? fields->if_contains("msg") : nullptr;
      if (msg != nullptr && msg->is_string()) {
        joined += (joined.empty() ? "" : "; ") + std::string(msg->as_string());
      }
    }
    return joined.empty() ? shorten(body) : shorten(joined);
  }
  return shorten(body);
}

}  // namespace

std::string refused_failure(const ElevenLabsConvAiConfig& config, bool signed_url, int status,
                            std::string_view body) {
  const auto what = signed_url ? std::string("the signed-URL request") : "the conversation";
  const auto message = body.empty() ? std::string() : server_message(body);
  const auto detail = "HTTP " + std::to_string(status) + (message.empty() ? "" : ": " + message);
  const auto agent = "agent \"" + config.agent_id + "\" (" + config.agent_id_variable + ")";
  if (status == 401 || status == 403) {
    return std::string(kPrefix) + "authentication failed for " + what + " (" + detail +
           "); check " + config.api_key_variable + " and that " + agent +
           " belongs to that account";
  }
  if (status == 404) {
    return std::string(kPrefix) + agent + " was not found (" + detail + ")";
  }
  if (status == 429) {
    return std::string(kPrefix) + what + " was refused: too many concurrent conversations or " +
           "requests (" + detail + ")";
  }
  return std::string(kPrefix) + what + " was refused (" + detail + ")";
}

std::string convai_connect_failure(const net::ClientError& error) {
  switch (error.kind()) {
    case net::ClientErrorKind::connect_failed:
    case net::ClientErrorKind::connect_timeout:
    case net::ClientErrorKind::tls_failed:
      return std::string(kPrefix) + "cannot connect: " + shorten(error.what());
    case net::ClientErrorKind::read_timeout:
    case net::ClientErrorKind::total_timeout:
      return std::string(kPrefix) + "timed out connecting: " + shorten(error.what());
    default:
      return std::string(kPrefix) + "connecting failed: " + shorten(error.what());
  }
}

std::string signed_url_failure(std::string_view detail) {
  return std::string(kPrefix) + "the signed-URL answer is unusable: " + shorten(detail);
}

std::string closed_failure(std::uint16_t code, std::string_view reason) {
  if (code == 1006 || code == 0) {
    return std::string(kPrefix) + "connection lost: the socket dropped without a close";
  }
  std::string message = std::string(kPrefix) + "the conversation ended: the server closed it (" +
                        std::to_string(code) + (reason.empty() ? "" : ": " + shorten(reason)) + ")";
  std::string lowered(reason);
  std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lowered.find("override") != std::string::npos) {
    message +=
        "; allow that override in the agent's security settings, or turn it off in the "
        "engine's options";
  }
  return message;
}

std::string convai_ready_timeout_failure(std::chrono::milliseconds timeout) {
  return std::string(kPrefix) + "no conversation_initiation_metadata within " +
         std::to_string(timeout.count()) + " ms";
}

std::string unsupported_format_failure(std::string_view which, std::string_view format) {
  return std::string(kPrefix) + "the agent's " + std::string(which) + " is \"" + shorten(format) +
         "\", which this runtime cannot convert (use ulaw_8000 or pcm_*)";
}

}  // namespace patter::providers
