#include "core/error.hpp"

namespace patter::core {

namespace {

struct ErrcInfo {
  std::string_view name;
  int http;
  std::uint16_t ws;
  int exit;
};

// Exit codes follow sysexits.h so scripts can tell configuration errors from outages.
constexpr int kExUsage = 64;
constexpr int kExDataErr = 65;
constexpr int kExUnavailable = 69;
constexpr int kExSoftware = 70;
constexpr int kExTempFail = 75;
constexpr int kExProtocol = 76;
constexpr int kExNoPerm = 77;
constexpr int kExConfig = 78;

ErrcInfo info(Errc code) {
  switch (code) {
    case Errc::bad_request: return {"bad_request", 400, 1008, kExDataErr};
    case Errc::unauthorized: return {"unauthorized", 401, 1008, kExNoPerm};
    case Errc::forbidden: return {"forbidden", 403, 1008, kExNoPerm};
    case Errc::not_found: return {"not_found", 404, 1008, kExDataErr};
    case Errc::method_not_allowed: return {"method_not_allowed", 405, 1008, kExUsage};
    case Errc::conflict: return {"conflict", 409, 1008, kExDataErr};
    case Errc::payload_too_large: return {"payload_too_large", 413, 1009, kExDataErr};
    case Errc::headers_too_large: return {"headers_too_large", 431, 1009, kExDataErr};
    case Errc::rate_limited: return {"rate_limited", 429, 1013, kExTempFail};
    case Errc::timeout: return {"timeout", 504, 1011, kExTempFail};
    case Errc::unavailable: return {"unavailable", 503, 1013, kExUnavailable};
    case Errc::upstream_error: return {"upstream_error", 502, 1011, kExUnavailable};
    case Errc::upstream_auth: return {"upstream_auth", 502, 1011, kExNoPerm};
    case Errc::config_invalid: return {"config_invalid", 500, 1011, kExConfig};
    case Errc::missing_credential: return {"missing_credential", 503, 1011, kExConfig};
    case Errc::protocol_error: return {"protocol_error", 400, 1002, kExProtocol};
    case Errc::invalid_utf8: return {"invalid_utf8", 400, 1007, kExDataErr};
    case Errc::message_too_big: return {"message_too_big", 413, 1009, kExDataErr};
    case Errc::policy_violation: return {"policy_violation", 400, 1008, kExDataErr};
    case Errc::cancelled: return {"cancelled", 499, 1000, kExTempFail};
    case Errc::shutting_down: return {"shutting_down", 503, 1001, 0};
    case Errc::internal: return {"internal", 500, 1011, kExSoftware};
  }
  return {"unknown", 500, 1011, kExSoftware};
}

class PatterCategory final : public std::error_category {
 public:
  [[nodiscard]] const char* name() const noexcept override { return "patter"; }
  [[nodiscard]] std::string message(int value) const override {
    return std::string(errc_name(static_cast<Errc>(value)));
  }
};

}  // namespace

std::string_view errc_name(Errc code) { return info(code).name; }
int http_status(Errc code) { return info(code).http; }
std::uint16_t ws_close_code(Errc code) { return info(code).ws; }
int exit_code(Errc code) { return info(code).exit; }

const std::error_category& patter_category() {
  static const PatterCategory category;
  return category;
}

std::error_code make_error_code(Errc code) { return {static_cast<int>(code), patter_category()}; }

}  // namespace patter::core
