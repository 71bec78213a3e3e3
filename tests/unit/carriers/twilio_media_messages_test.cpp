#include "carriers/twilio/media_messages.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>

namespace patter::carriers::twilio {
namespace {

const std::string kStreamSid = "MZ0123456789abcdef0123456789abcdef";

template <typename T>
T parse_as(std::string_view json) {
  const auto message = parse_media_message(json);
  EXPECT_TRUE(std::holds_alternative<T>(message)) << json;
  return std::get<T>(message);
}

// The error for `json`, which must be rejected.
MediaMessageError rejection(std::string_view json,
                            std::size_t max_bytes = kDefaultMaxMediaMessageBytes) {
  try {
    (void)parse_media_message(json, max_bytes);
  } catch (const MediaMessageError& error) {
    return error;
  }
  ADD_FAILURE() << "accepted: " << json;
  return MediaMessageError(core::Errc::internal, "");
}

bool mentions(const MediaMessageError& error, std::string_view text) {
  return std::string_view(error.what()).find(text) != std::string_view::npos;
}

TEST(TwilioMediaMessages, ParsesConnected) {
  const auto connected =
      parse_as<Connected>(R"({"event":"connected","protocol":"Call","version":"1.0.0"})");
  EXPECT_EQ(connected.protocol, "Call");
  EXPECT_EQ(connected.version, "1.0.0");
}

TEST(TwilioMediaMessages, ParsesStart) {
  const auto start = parse_as<Start>(R"({"event":"start","sequenceNumber":"1","streamSid":"MZ1",
    "start":{"accountSid":"AC1","streamSid":"MZ1","callSid":"CA1","tracks":["inbound"],
             "customParameters":{"caller":"+15551230000","tenant":"acme"},
             "mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000,"channels":1}}})");
  EXPECT_EQ(start.stream_sid, "MZ1");
  EXPECT_EQ(start.call_sid, "CA1");
  EXPECT_EQ(start.account_sid, "AC1");
  EXPECT_EQ(start.tracks, std::vector<std::string>{"inbound"});
  EXPECT_EQ(start.custom_parameters.at("caller"), "+15551230000");
  EXPECT_EQ(start.custom_parameters.at("tenant"), "acme");
  EXPECT_EQ(start.media_format.encoding, "audio/x-mulaw");
  EXPECT_EQ(start.media_format.sample_rate, 8000);
  EXPECT_EQ(start.media_format.channels, 1);
}

TEST(TwilioMediaMessages, StartWithoutCustomParametersHasAnEmptyMap) {
  const auto start = parse_as<Start>(R"({"event":"start","start":{"accountSid":"AC1",
    "streamSid":"MZ1","callSid":"CA1","tracks":[],
    "mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000,"channels":1}}})");
  EXPECT_TRUE(start.custom_parameters.empty());
}

TEST(TwilioMediaMessages, ParsesMediaAndDecodesThePayload) {
  const auto media = parse_as<Media>(R"({"event":"media","sequenceNumber":"3","streamSid":"MZ1",
    "media":{"track":"inbound","chunk":"1","timestamp":"5","payload":"/38A"}})");
  EXPECT_EQ(media.sequence_number, 3u);
  EXPECT_EQ(media.track, "inbound");
  EXPECT_EQ(media.chunk, 1u);
  EXPECT_EQ(media.timestamp_ms, 5u);
  EXPECT_EQ(media.payload, (std::vector<std::uint8_t>{0xFF, 0x7F, 0x00}));
}

TEST(TwilioMediaMessages, MediaCountersMayBeJsonIntegers) {
  const auto media = parse_as<Media>(R"({"event":"media","sequenceNumber":4,
    "media":{"track":"inbound","chunk":2,"timestamp":25,"payload":"/w=="}})");
  EXPECT_EQ(media.sequence_number, 4u);
  EXPECT_EQ(media.chunk, 2u);
  EXPECT_EQ(media.timestamp_ms, 25u);
  EXPECT_EQ(media.payload, std::vector<std::uint8_t>{0xFF});
}

TEST(TwilioMediaMessages, ParsesMarkDtmfAndStop) {
  EXPECT_EQ(parse_as<Mark>(R"({"event":"mark","sequenceNumber":"4","mark":{"name":"utt-1"}})").name,
            "utt-1");
  const auto dtmf = parse_as<Dtmf>(
      R"({"event":"dtmf","sequenceNumber":"5","dtmf":{"track":"inbound_track","digit":"#"}})");
  EXPECT_EQ(dtmf.digit, "#");
  EXPECT_EQ(dtmf.track, "inbound_track");
  const auto stop = parse_as<Stop>(
      R"({"event":"stop","sequenceNumber":"6","stop":{"accountSid":"AC1","callSid":"CA1"}})");
  EXPECT_EQ(stop.call_sid, "CA1");
  EXPECT_EQ(stop.account_sid, "AC1");
}

TEST(TwilioMediaMessages, UnknownEventIsReportedNotRejected) {
  EXPECT_EQ(parse_as<Unknown>(R"({"event":"transcription","x":1})").event, "transcription");
}

TEST(TwilioMediaMessages, MissingFieldsAreNamedByTheirPath) {
  EXPECT_TRUE(mentions(rejection(R"({"protocol":"Call"})"), "missing field \"event\""));
  EXPECT_TRUE(mentions(rejection(R"({"event":"connected","protocol":"Call"})"),
                       "missing field \"version\""));
  EXPECT_TRUE(mentions(
      rejection(
          R"({"event":"media","sequenceNumber":"3","media":{"track":"inbound","chunk":"1","timestamp":"5"}})"),
      "missing field \"media.payload\""));
  EXPECT_TRUE(mentions(rejection(R"({"event":"start","start":{"accountSid":"AC1","streamSid":"MZ1",
      "callSid":"CA1","tracks":[],"mediaFormat":{"encoding":"audio/x-mulaw","channels":1}}})"),
                       "missing field \"start.mediaFormat.sampleRate\""));
  EXPECT_TRUE(mentions(rejection(R"({"event":"mark"})"), "missing field \"mark\""));
  EXPECT_TRUE(mentions(rejection(R"({"event":"stop","stop":{"callSid":"CA1"}})"),
                       "missing field \"stop.accountSid\""));
}

TEST(TwilioMediaMessages, IllTypedFieldsAreNamed) {
  EXPECT_TRUE(mentions(rejection(R"({"event":7})"), "\"event\" must be a string"));
  EXPECT_TRUE(
      mentions(rejection(R"({"event":"mark","mark":"utt-1"})"), "\"mark\" must be an object"));
  EXPECT_TRUE(mentions(rejection(R"({"event":"dtmf","dtmf":{"track":"inbound_track","digit":1}})"),
                       "\"dtmf.digit\" must be a string"));
  EXPECT_TRUE(mentions(
      rejection(
          R"({"event":"media","sequenceNumber":"3","media":{"track":"inbound","chunk":"x1","timestamp":"5","payload":""}})"),
      "\"media.chunk\" must be a non-negative integer"));
  EXPECT_TRUE(mentions(
      rejection(
          R"({"event":"media","sequenceNumber":-3,"media":{"track":"inbound","chunk":"1","timestamp":"5","payload":""}})"),
      "\"sequenceNumber\" must be a non-negative integer"));
  EXPECT_TRUE(mentions(rejection(R"({"event":"start","start":{"accountSid":"AC1","streamSid":"MZ1",
      "callSid":"CA1","tracks":["inbound",2],"mediaFormat":{}}})"),
                       "\"start.tracks\" must be an array of strings"));
  EXPECT_TRUE(mentions(rejection(R"({"event":"start","start":{"accountSid":"AC1","streamSid":"MZ1",
      "callSid":"CA1","tracks":[],"customParameters":{"caller":5},"mediaFormat":{}}})"),
                       "\"start.customParameters.caller\" must be a string"));
}

TEST(TwilioMediaMessages, ErrorsAreProtocolErrors) {
  EXPECT_EQ(rejection("not json").code(), core::Errc::protocol_error);
  EXPECT_EQ(rejection("[1,2]").code(), core::Errc::protocol_error);
  EXPECT_EQ(rejection(R"({"event":"mark"})").code(), core::Errc::protocol_error);
}

TEST(TwilioMediaMessages, RejectsOversizeMessagesBeforeParsing) {
  const std::string big(kDefaultMaxMediaMessageBytes + 1, ' ');
  const auto error = rejection(big);
  EXPECT_EQ(error.code(), core::Errc::message_too_big);
  const std::string mark = R"({"event":"mark","mark":{"name":"a"}})";
  EXPECT_EQ(rejection(mark, mark.size() - 1).code(), core::Errc::message_too_big);
  EXPECT_NO_THROW((void)parse_media_message(mark, mark.size()));
}

TEST(TwilioMediaMessages, RejectsInvalidBase64) {
  for (const std::string payload : {"abc", "ab=c", "a===", "ab c", "ab\\nc", "ab-_", "====="}) {
    const auto json =
        R"({"event":"media","sequenceNumber":"3","media":{"track":"inbound","chunk":"1","timestamp":"5","payload":")" +
        payload + R"("}})";
    const auto error = rejection(json);
    EXPECT_TRUE(mentions(error, "\"media.payload\" is not valid base64")) << payload;
  }
}

TEST(TwilioMediaMessages, SerializesMediaExactly) {
  const std::array<std::uint8_t, 3> mulaw = {0xFF, 0x7F, 0x00};
  EXPECT_EQ(media_json(kStreamSid, mulaw),
            R"({"event":"media","streamSid":")" + kStreamSid + R"(","media":{"payload":"/38A"}})");
  EXPECT_EQ(media_json(kStreamSid, {}),
            R"({"event":"media","streamSid":")" + kStreamSid + R"(","media":{"payload":""}})");
  // A stream id that needs escaping (never one of Twilio's) still makes valid JSON.
  EXPECT_EQ(media_json("MZ\"1\\\n", mulaw),
            R"({"event":"media","streamSid":"MZ\"1\\\n","media":{"payload":"/38A"}})");
}

TEST(TwilioMediaMessages, SerializesMarkAndClearExactly) {
  EXPECT_EQ(mark_json(kStreamSid, "utt-1"),
            R"({"event":"mark","streamSid":")" + kStreamSid + R"(","mark":{"name":"utt-1"}})");
  EXPECT_EQ(mark_json("MZ1", "say \"hi\""),
            R"({"event":"mark","streamSid":"MZ1","mark":{"name":"say \"hi\""}})");
  EXPECT_EQ(clear_json(kStreamSid), R"({"event":"clear","streamSid":")" + kStreamSid + R"("})");
}

TEST(TwilioMediaMessages, SerializedMediaParsesBack) {
  std::vector<std::uint8_t> frame(160);
  for (std::size_t i = 0; i < frame.size(); ++i) frame[i] = static_cast<std::uint8_t>(i * 7);
  const auto outbound = media_json("MZ1", frame);
  const auto begin = outbound.find(R"("payload":")") + 11;
  const auto payload = outbound.substr(begin, outbound.find('"', begin) - begin);
  const auto inbound =
      R"({"event":"media","sequenceNumber":"9","media":{"track":"inbound","chunk":"1","timestamp":"0","payload":")" +
      payload + R"("}})";
  EXPECT_EQ(parse_as<Media>(inbound).payload, frame);
}

}  // namespace
}  // namespace patter::carriers::twilio
