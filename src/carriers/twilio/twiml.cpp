#include "carriers/twilio/twiml.hpp"

#include "core/error.hpp"
#include "core/phone_number.hpp"
#include "core/xml_escape.hpp"

namespace patter::carriers::twilio {

namespace {

constexpr std::string_view kDeclaration = R"(<?xml version="1.0" encoding="UTF-8"?>)";

std::string response(std::string_view verbs) {
  std::string document(kDeclaration);
  document += "<Response>";
  document += verbs;
  document += "</Response>";
  return document;
}

}  // namespace

std::string connect_stream_twiml(std::string_view stream_url, const StreamParameters& parameters) {
  if (stream_url.empty()) throw core::Error(core::Errc::bad_request, "TwiML: empty stream URL");
  if (stream_url.find('?') != std::string_view::npos) {
    throw core::Error(core::Errc::bad_request,
                      "TwiML: the stream URL must not carry a query string; pass values as "
                      "stream parameters");
  }
  std::string stream = "<Stream url=\"" + core::xml_escape(stream_url) + "\"";
  if (parameters.empty()) {
    stream += "/>";
  } else {
    stream += ">";
    for (const auto& [name, value] : parameters) {
      stream += "<Parameter name=\"" + core::xml_escape(name) + "\" value=\"" +
                core::xml_escape(value) + "\"/>";
    }
    stream += "</Stream>";
  }
  return response("<Connect>" + stream + "</Connect>");
}

std::string dial_twiml(std::string_view target) {
  if (!core::is_transfer_target(target)) {
    throw core::Error(core::Errc::bad_request,
                      "TwiML: a dial target must be an E.164 number or a sip:/sips: URI");
  }
  const auto escaped = core::xml_escape(target);
  if (core::is_e164(target)) return response("<Dial>" + escaped + "</Dial>");
  return response("<Dial><Sip>" + escaped + "</Sip></Dial>");
}

std::string say_hangup_twiml(std::string_view text) {
  return response("<Say>" + core::xml_escape(text) + "</Say><Hangup/>");
}

}  // namespace patter::carriers::twilio
