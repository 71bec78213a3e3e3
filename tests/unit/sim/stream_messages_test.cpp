#include "sim/stream_messages.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "carriers/twilio/media_messages.hpp"
#include "carriers/twilio/twiml.hpp"
#include "core/error.hpp"
#include "sim/twiml_stream.hpp"

namespace patter::sim {
namespace {

namespace twilio = carriers::twilio;

const StreamIds kIds{"AC0123456789abcdef0123456789abcdef", "CA0123456789abcdef0123456789abcdef",
                     "MZ0123456789abcdef0123456789abcdef"};

std::string sequence_of(const std::string& json) {
  const auto value = boost::json::parse(json);
  const auto* field = value.as_object().if_contains("sequenceNumber");
  return field == nullptr ? "" : std::string(field->as_string());
}

// Every message goes through the runtime's own parser, so both sides agree on the format.
TEST(TwilioStreamWriterTest, MessagesParseAsTheRuntimeExpectsThem) {
  TwilioStreamWriter writer(kIds);
  const auto connected = writer.connected();
  const auto start = writer.start({{"tenant", "acme"}});
  const std::vector<std::uint8_t> frame(160, 0x7F);
  const auto media1 = writer.media(frame, 0);
  const auto media2 = writer.media(frame, 20);
  const auto dtmf = writer.dtmf('#');
  const auto mark = writer.mark("utt-1");
  const auto stop = writer.stop();

  EXPECT_TRUE(std::holds_alternative<twilio::Connected>(twilio::parse_media_message(connected)));
  EXPECT_EQ(sequence_of(connected), "");
  const auto parsed_start = std::get<twilio::Start>(twilio::parse_media_message(start));
  EXPECT_EQ(parsed_start.stream_sid, kIds.stream_sid);
  EXPECT_EQ(parsed_start.call_sid, kIds.call_sid);
  EXPECT_EQ(parsed_start.account_sid, kIds.account_sid);
  EXPECT_EQ(parsed_start.tracks, std::vector<std::string>{"inbound"});
  EXPECT_EQ(parsed_start.custom_parameters.at("tenant"), "acme");
  EXPECT_EQ(parsed_start.media_format.encoding, "audio/x-mulaw");
  EXPECT_EQ(parsed_start.media_format.sample_rate, 8000);
  EXPECT_EQ(parsed_start.media_format.channels, 1);
  EXPECT_EQ(sequence_of(start), "1");

  const auto first = std::get<twilio::Media>(twilio::parse_media_message(media1));
  const auto second = std::get<twilio::Media>(twilio::parse_media_message(media2));
  EXPECT_EQ(first.sequence_number, 2u);
  EXPECT_EQ(first.chunk, 1u);
  EXPECT_EQ(first.timestamp_ms, 0u);
  EXPECT_EQ(first.track, "inbound");
  EXPECT_EQ(first.payload, frame);
  EXPECT_EQ(second.sequence_number, 3u);
  EXPECT_EQ(second.chunk, 2u);
  EXPECT_EQ(second.timestamp_ms, 20u);

  const auto digit = std::get<twilio::Dtmf>(twilio::parse_media_message(dtmf));
  EXPECT_EQ(digit.digit, "#");
  EXPECT_EQ(digit.track, "inbound_track");
  EXPECT_EQ(std::get<twilio::Mark>(twilio::parse_media_message(mark)).name, "utt-1");
  const auto parsed_stop = std::get<twilio::Stop>(twilio::parse_media_message(stop));
  EXPECT_EQ(parsed_stop.call_sid, kIds.call_sid);
  EXPECT_EQ(sequence_of(stop), "6");
}

TEST(AgentMessageTest, ParsesWhatTheRuntimeSends) {
  const std::vector<std::uint8_t> audio = {0x00, 0x7F, 0xFF, 0x10};
  const auto media = parse_agent_message(twilio::media_json(kIds.stream_sid, audio));
  EXPECT_EQ(std::get<AgentMedia>(media).mulaw, audio);
  const auto odd = std::vector<std::uint8_t>{1, 2, 3, 4, 5};
  EXPECT_EQ(
      std::get<AgentMedia>(parse_agent_message(twilio::media_json(kIds.stream_sid, odd))).mulaw,
      odd);
  EXPECT_EQ(std::get<AgentMark>(parse_agent_message(twilio::mark_json(kIds.stream_sid, "m"))).name,
            "m");
  EXPECT_TRUE(std::holds_alternative<AgentClear>(parse_agent_message(twilio::clear_json("MZ1"))));
  EXPECT_EQ(std::get<AgentOther>(parse_agent_message(R"({"event":"ping"})")).event, "ping");
}

TEST(AgentMessageTest, RejectsMalformedMessages) {
  for (const std::string bad :
       {"not json", "[1]", R"({"event":1})", R"({"event":"media"})",
        R"({"event":"media","media":{"payload":"%%%%"}})", R"({"event":"mark","mark":{}})"}) {
    try {
      (void)parse_agent_message(bad);
      ADD_FAILURE() << "accepted " << bad;
    } catch (const core::Error& error) {
      EXPECT_EQ(error.code(), core::Errc::protocol_error);
    }
  }
}

TEST(TwimlStreamTest, ReadsTheStreamUrlAndParameters) {
  const auto twiml = twilio::connect_stream_twiml("wss://example.com/ws/twilio",
                                                  {{"caller", "+1555"}, {"note", "a&b <\"c\">"}});
  const auto target = parse_stream_twiml(twiml);
  EXPECT_EQ(target.url, "wss://example.com/ws/twilio");
  EXPECT_EQ(target.parameters.at("caller"), "+1555");
  EXPECT_EQ(target.parameters.at("note"), "a&b <\"c\">");
}

TEST(TwimlStreamTest, HandWrittenTwiml) {
  const auto target = parse_stream_twiml(
      "<Response><Connect><StreamX/><Stream name='s' url='/ws?x=1&amp;y=&#50;'/></Connect>"
      "<Parameter name='outside' value='no'/></Response>");
  EXPECT_EQ(target.url, "/ws?x=1&y=2");
  EXPECT_TRUE(target.parameters.empty());
  EXPECT_THROW((void)parse_stream_twiml("<Response><Say>hi</Say></Response>"), core::Error);
  EXPECT_THROW((void)parse_stream_twiml("<Response><Stream name='x'/></Response>"), core::Error);
  EXPECT_THROW((void)parse_stream_twiml("<Response><Stream url='wss://a'>"), core::Error);
}

TEST(TwimlStreamTest, ResolvesRelativeStreamUrls) {
  EXPECT_EQ(resolve_stream_url("/ws/twilio", "https://agent.example.com/webhooks/twilio/voice"),
            "wss://agent.example.com/ws/twilio");
  EXPECT_EQ(resolve_stream_url("/ws/twilio", "http://127.0.0.1:8080/webhooks/twilio/voice"),
            "ws://127.0.0.1:8080/ws/twilio");
  EXPECT_EQ(resolve_stream_url("wss://other/ws", "http://127.0.0.1:8080/x"), "wss://other/ws");
}

}  // namespace
}  // namespace patter::sim
