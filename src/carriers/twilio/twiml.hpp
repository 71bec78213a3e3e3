#pragma once

#include <map>
#include <string>
#include <string_view>

namespace patter::carriers::twilio {

// TwiML documents; every caller-supplied value is XML-escaped.

using StreamParameters = std::map<std::string, std::string>;

// <Connect><Stream url=...> with one <Parameter> per entry; Twilio hands them back in the
// start message's customParameters. Throws core::Error(bad_request) for an empty URL or one
// with a query string, since Twilio may strip queries from stream URLs.
[[nodiscard]] std::string connect_stream_twiml(std::string_view stream_url,
                                               const StreamParameters& parameters = {});

// <Dial> to an E.164 number, or <Dial><Sip> for a sip:/sips: URI. Throws core::Error(bad_request)
// for anything else.
[[nodiscard]] std::string dial_twiml(std::string_view target);

// <Say>text</Say><Hangup/>: the voicemail drop.
[[nodiscard]] std::string say_hangup_twiml(std::string_view text);

}  // namespace patter::carriers::twilio
