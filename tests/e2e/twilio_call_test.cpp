#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <fstream>
#include <future>

#include "carriers/twilio/signature.hpp"
#include "fakes/run_coroutine.hpp"
#include "net/ws_client.hpp"
#include "sim/twiml_stream.hpp"
#include "twilio_e2e_fixture.hpp"

namespace patter::e2e {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr auto kEndWait = 10s;

// Peak absolute sample of the agent (right) channel between two times, in ms.
int agent_peak(const audio::WavAudio& recording, double from_ms, double to_ms) {
  const auto samples = recording.samples();
  const auto first = static_cast<std::size_t>(from_ms * 8.0);
  const auto last = std::min(static_cast<std::size_t>(to_ms * 8.0), samples.size() / 2);
  int peak = 0;
  for (std::size_t frame = first; frame < last; ++frame) {
    peak = std::max(peak, std::abs(static_cast<int>(samples[frame * 2 + 1])));
  }
  return peak;
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST_F(TwilioE2ETest, InboundCallGreetingTwoTurnsAndHangUp) {
  start([this](Agent&, server::PatterServerConfig& config) {
    config.call_log = dashboard::CallLogOptions{folder / "log", dashboard::PhoneRedaction::mask, 30};
  });
  const auto result = call(R"yaml(
steps:
  - wait_for_agent: {timeout_ms: 10000}
  - say: "where are you"
    rate: 150
  - wait_for_agent: {timeout_ms: 10000}
  - say: "what are your opening hours"
    rate: 150
  - wait_for_agent: {timeout_ms: 10000}
  - hang_up
)yaml");
  EXPECT_THAT(result.errors, ::testing::IsEmpty());
  EXPECT_EQ(result.ended_by, "caller");
  ASSERT_TRUE(result.first_agent_audio_ms);
  EXPECT_LT(*result.first_agent_audio_ms, 1000.0) << "the greeting starts as soon as the stream does";
  ASSERT_EQ(result.turns.size(), 2U);
  for (const auto& turn : result.turns) {
    ASSERT_TRUE(turn.response_latency_ms) << turn.text;
    EXPECT_LT(*turn.response_latency_ms, 3000.0) << turn.text;
  }
  EXPECT_EQ(result.clears_received, 0U);
  EXPECT_FALSE(result.marks_echoed.empty()) << "the server paces its audio with marks";

  const auto end = log.wait_for_end(result.call_sid, kEndWait);
  ASSERT_TRUE(end);
  EXPECT_EQ(end->reason, "caller hung up");
  EXPECT_EQ(end->call.caller, "+15550001111");
  EXPECT_THAT(spoken_lines(end->transcript),
              ElementsAre("assistant: Hello, Trattoria Patter.", "user: where are you",
                          "assistant: At twelve Harbour Street.", "user: what are your opening hours",
                          "assistant: We are open every day from noon until ten."));

  const auto record = call_record(result.call_sid);
  EXPECT_EQ(record.at("caller").as_string(), "+15550001111");
  EXPECT_EQ(record.at("direction").as_string(), "inbound");
  const auto& transcript = record.at("transcript").as_array();
  std::vector<std::string> stored;
  for (const auto& entry : transcript) {
    const auto& line = entry.as_object();
    stored.push_back(std::string(line.at("role").as_string()) + ": " + std::string(line.at("text").as_string()));
  }
  EXPECT_THAT(stored, ::testing::IsSupersetOf({"user: where are you", "assistant: At twelve Harbour Street."}));
  std::size_t answered = 0;
  for (const auto& turn : record.at("turns").as_array()) {
    if (!turn.as_object().at("user_text").as_string().empty()) ++answered;
  }
  EXPECT_EQ(answered, 2U);

  // The reference-compatible log on disk, beside the database.
  std::vector<std::filesystem::path> metadata_files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(folder / "log" / "calls")) {
    if (entry.path().filename() == "metadata.json") metadata_files.push_back(entry.path());
  }
  ASSERT_EQ(metadata_files.size(), 1U);
  const auto metadata = boost::json::parse(read_text(metadata_files[0])).as_object();
  EXPECT_EQ(metadata.at("call_id").as_string(), result.call_sid);
  EXPECT_EQ(metadata.at("caller").as_string(), "***1111");
  EXPECT_NE(metadata.at("status").as_string(), "in_progress");
  std::ifstream turn_lines(metadata_files[0].parent_path() / "transcript.jsonl");
  std::size_t lines = 0;
  for (std::string line; std::getline(turn_lines, line);) ++lines;
  EXPECT_GE(lines, 2U);
}

TEST_F(TwilioE2ETest, BargeInDuringTheGreetingStopsItsAudioAtTheClear) {
  start([](Agent& agent, server::PatterServerConfig&) {
    agent.first_message =
        "Hello, you have reached Trattoria Patter, the little restaurant by the harbour. Tonight we "
        "serve grilled fish, fresh pasta and a lemon tart, and you can ask me about anything.";
  });
  const auto result = call(R"yaml(
steps:
  - barge_in: {after_agent_starts_ms: 1500, say: "where are you", rate: 150}
  - wait_for_agent: {timeout_ms: 10000}
  - hang_up
)yaml");
  EXPECT_THAT(result.errors, ::testing::IsEmpty());
  ASSERT_EQ(result.turns.size(), 1U);
  ASSERT_TRUE(result.turns[0].agent_stop_ms);
  EXPECT_LT(*result.turns[0].agent_stop_ms, 1500.0) << "the greeting went on long after the interruption";
  ASSERT_GE(result.clears.size(), 1U);
  const auto& clear = result.clears.front();
  // Nothing of the greeting comes after the clear: the next audio is the answer, which can only
  // start once the caller has finished speaking.
  ASSERT_TRUE(clear.next_media_after_ms);
  EXPECT_GT(*clear.next_media_after_ms, 200.0);
  EXPECT_EQ(agent_peak(result.recording, clear.at_ms + 20.0, clear.at_ms + *clear.next_media_after_ms), 0)
      << "agent audio was heard after the clear (one 20 ms frame allowed)";

  const auto end = log.wait_for_end(result.call_sid, kEndWait);
  ASSERT_TRUE(end);
  const auto lines = spoken_lines(end->transcript);
  ASSERT_GE(lines.size(), 3U);
  EXPECT_THAT(lines[0], ::testing::StartsWith("assistant: Hello, you have"));
  EXPECT_THAT(lines[0], ::testing::Not(HasSubstr("lemon tart"))) << "the history keeps only what was heard";
  EXPECT_EQ(lines[1], "user: where are you");
  EXPECT_EQ(lines[2], "assistant: At twelve Harbour Street.");
}

TEST_F(TwilioE2ETest, DtmfBecomesATranscriptLine) {
  start();
  const auto result = call(R"yaml(
steps:
  - wait_for_agent: {timeout_ms: 10000}
  - dtmf: "4#"
  - pause_ms: 500
  - hang_up
)yaml");
  EXPECT_THAT(result.errors, ::testing::IsEmpty());
  const auto end = log.wait_for_end(result.call_sid, kEndWait);
  ASSERT_TRUE(end);
  EXPECT_THAT(spoken_lines(end->transcript), ::testing::IsSupersetOf({"user: [DTMF: 4]", "user: [DTMF: #]"}));
}

// Twilio may report "completed" before the media stream's stop reaches us; the record must keep
// the transcript, and exist once.
TEST_F(TwilioE2ETest, CompletedStatusBeforeTheStreamStopsKeepsTheTranscript) {
  start();
  auto running = std::async(std::launch::async, [this] {
    return call(R"yaml(
steps:
  - wait_for_agent: {timeout_ms: 10000}
  - say: "where are you"
    rate: 150
  - wait_for_agent: {timeout_ms: 10000}
  - pause_ms: 2000
  - hang_up
)yaml");
  });
  ASSERT_TRUE(log.wait_for_agent_line("Harbour Street", 20s));
  // The call SID is only known to the caller; the store lists the call in progress.
  std::string call_sid;
  for (int attempt = 0; attempt < 50 && call_sid.empty(); ++attempt) {
    const auto active = boost::json::parse(get("/api/dashboard/active").body);
    for (const auto& entry : active.as_array()) call_sid = std::string(entry.as_object().at("call_id").as_string());
    if (call_sid.empty()) std::this_thread::sleep_for(100ms);
  }
  ASSERT_FALSE(call_sid.empty());
  // While the call runs, its record holds each line once.
  std::vector<std::string> live;
  for (int attempt = 0; attempt < 30; ++attempt) {
    live.clear();
    const auto record = boost::json::parse(get("/api/dashboard/calls/" + call_sid).body).as_object();
    for (const auto& entry : record.at("transcript").as_array()) {
      live.push_back(std::string(entry.as_object().at("text").as_string()));
    }
    if (std::count(live.begin(), live.end(), "At twelve Harbour Street.") > 0) break;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(std::count(live.begin(), live.end(), "where are you"), 1);
  EXPECT_EQ(std::count(live.begin(), live.end(), "At twelve Harbour Street."), 1);
  const auto status = post_webhook("/webhooks/twilio/status",
                                    {{"AccountSid", rest.options().account_sid},
                                     {"CallDuration", "4"},
                                     {"CallSid", call_sid},
                                     {"CallStatus", "completed"},
                                     {"From", "+15550001111"},
                                     {"To", "+15550002222"}});
  EXPECT_LT(status.status, 300);
  const auto result = running.get();
  EXPECT_EQ(result.call_sid, call_sid);
  EXPECT_THAT(result.errors, ::testing::IsEmpty());
  ASSERT_TRUE(log.wait_for_end(call_sid, kEndWait));

  const auto record = call_record(call_sid);
  EXPECT_EQ(record.at("status").as_string(), "completed");
  std::vector<std::string> stored;
  for (const auto& entry : record.at("transcript").as_array()) {
    stored.push_back(std::string(entry.as_object().at("text").as_string()));
  }
  EXPECT_THAT(stored, ::testing::IsSupersetOf({"where are you", "At twelve Harbour Street."}));
  const auto list = boost::json::parse(get("/api/dashboard/calls?limit=1000").body);
  int copies = 0;
  for (const auto& entry : list.as_array()) copies += entry.as_object().at("call_id").as_string() == call_sid ? 1 : 0;
  EXPECT_EQ(copies, 1);
}

TEST_F(TwilioE2ETest, WebhooksWithoutAValidSignatureAreRefused) {
  start();
  const net::QueryParams form{{"AccountSid", rest.options().account_sid},
                              {"CallSid", "CA0123456789abcdef0123456789abcdef"},
                              {"From", "+15550001111"},
                              {"To", "+15550002222"}};
  EXPECT_EQ(post_webhook("/webhooks/twilio/voice", form, "bm90IGEgc2lnbmF0dXJl").status, 403);
  EXPECT_EQ(post_webhook("/webhooks/twilio/voice", form, "").status, 403);
  EXPECT_EQ(post_webhook("/webhooks/twilio/status", form, "bm90IGEgc2lnbmF0dXJl").status, 403);
  // Signed for another host: the server checks against its public URL, not the Host header.
  const std::string local_url = base_url() + "/webhooks/twilio/voice";
  EXPECT_EQ(post_webhook("/webhooks/twilio/voice", form,
                         carriers::twilio::compute_signature(auth_token(), local_url, form))
                .status,
            403);
  EXPECT_EQ(post_webhook("/webhooks/twilio/voice", form).status, 200);

  const std::string json = R"({"CallSid":"CA0123456789abcdef0123456789abcdef","CallStatus":"ringing"})";
  EXPECT_EQ(post_json_webhook("/webhooks/twilio/status", json, json).status, 204);
  const std::string tampered = R"({"CallSid":"CA0123456789abcdef0123456789abcdef","CallStatus":"completed"})";
  EXPECT_EQ(post_json_webhook("/webhooks/twilio/status", tampered, json).status, 403);

  const auto refused = call("steps: [hang_up]", [](sim::SimulatedCallerOptions& options) {
    options.auth_token = "not-the-auth-token";
  });
  EXPECT_EQ(refused.ended_by, "error");
  ASSERT_FALSE(refused.errors.empty());
  EXPECT_THAT(refused.errors.front(), HasSubstr("403"));

  // A media stream that no webhook announced is refused at the upgrade.
  boost::asio::io_context io;
  net::WsClient client;
  net::WsConnectRequest request;
  request.url = "ws://127.0.0.1:" + std::to_string(server->port()) + "/ws/stream/CAffffffffffffffffffffffffffffffff";
  try {
    fakes::run_coroutine(io, client.connect(std::move(request)));
    ADD_FAILURE() << "the upgrade was accepted";
  } catch (const net::WsHandshakeError& error) {
    EXPECT_EQ(error.status(), 403);
  }
}

TEST_F(TwilioE2ETest, WithoutAnAuthTokenWebhooksAnswer503) {
  start([](Agent&, server::PatterServerConfig& config) { config.twilio->auth_token.clear(); });
  const auto response = post_webhook("/webhooks/twilio/voice", {{"CallSid", "CA0123456789abcdef0123456789abcdef"}}, "x");
  EXPECT_EQ(response.status, 503);
}

class TwilioE2EStreamTest : public TwilioE2ETest {
 protected:
  // Opens the media stream of a call announced by a signed voice webhook and sends `start`.
  std::shared_ptr<net::WebSocket> open_stream(boost::asio::io_context& io, const std::string& call_sid) {
    const auto answer = post_webhook("/webhooks/twilio/voice", {{"AccountSid", rest.options().account_sid},
                                                                {"CallSid", call_sid},
                                                                {"From", "+15550001111"},
                                                                {"To", "+15550002222"}});
    EXPECT_EQ(answer.status, 200);
    net::WsClient client;
    net::WsConnectRequest request;
    request.url = "ws://127.0.0.1:" + std::to_string(server->port()) + "/ws/stream/" + call_sid;
    auto socket = fakes::run_coroutine(io, client.connect(std::move(request)));
    socket->send_text(R"({"event":"connected","protocol":"Call","version":"1.0.0"})");
    socket->send_text(R"({"event":"start","sequenceNumber":"1","streamSid":"MZ0123456789abcdef0123456789abcdef",)"
                      R"("start":{"accountSid":")" + rest.options().account_sid + R"(","callSid":")" + call_sid +
                      R"(","streamSid":"MZ0123456789abcdef0123456789abcdef","tracks":["inbound"],)"
                      R"("customParameters":{},"mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000,"channels":1}}})");
    return socket;
  }

  // Reads until the server closes the socket; its close code.
  static std::uint16_t close_code(boost::asio::io_context& io, const std::shared_ptr<net::WebSocket>& socket) {
    fakes::run_coroutine(io, [](std::shared_ptr<net::WebSocket> ws) -> boost::asio::awaitable<void> {
      while (co_await ws->receive()) {
      }
    }(socket));
    return socket->close_info().code;
  }
};

TEST_F(TwilioE2EStreamTest, MalformedAndOversizedMessagesCloseTheStreamAndEndTheCall) {
  start();
  boost::asio::io_context io;
  const std::string malformed_sid = "CA00000000000000000000000000000001";
  auto malformed = open_stream(io, malformed_sid);
  malformed->send_text(R"({"event":"media","media":{"payload":)");
  EXPECT_EQ(close_code(io, malformed), 1002);
  const auto malformed_end = log.wait_for_end(malformed_sid, kEndWait);
  ASSERT_TRUE(malformed_end);
  EXPECT_THAT(malformed_end->reason, HasSubstr("error"));
  EXPECT_EQ(call_record(malformed_sid).at("call_id").as_string(), malformed_sid);

  const std::string oversized_sid = "CA00000000000000000000000000000002";
  auto oversized = open_stream(io, oversized_sid);
  oversized->send_text(R"({"event":"media","media":{"payload":")" + std::string(1200 * 1024, 'A') + R"("}})");
  // The server closes with 1009 as soon as the message passes 1 MiB; the rest of it, still
  // arriving, makes its TCP stack reset the connection, which can overtake the close frame.
  EXPECT_THAT(close_code(io, oversized), ::testing::AnyOf(1009, 1006));
  ASSERT_TRUE(log.wait_for_end(oversized_sid, kEndWait));
  EXPECT_EQ(call_record(oversized_sid).at("call_id").as_string(), oversized_sid);
}

TEST_F(TwilioE2EStreamTest, AStreamThatNeverStartsIsClosed) {
  start([](Agent&, server::PatterServerConfig& config) {
    config.twilio->stream_start_timeout = std::chrono::milliseconds(300);
  });
  const std::string call_sid = "CA00000000000000000000000000000003";
  ASSERT_EQ(post_webhook("/webhooks/twilio/voice", {{"AccountSid", rest.options().account_sid},
                                                    {"CallSid", call_sid},
                                                    {"From", "+15550001111"},
                                                    {"To", "+15550002222"}})
                .status,
            200);
  boost::asio::io_context io;
  net::WsClient client;
  net::WsConnectRequest request;
  request.url = "ws://127.0.0.1:" + std::to_string(server->port()) + "/ws/stream/" + call_sid;
  auto socket = fakes::run_coroutine(io, client.connect(std::move(request)));
  socket->send_text(R"({"event":"connected","protocol":"Call","version":"1.0.0"})");
  EXPECT_EQ(close_code(io, socket), 1008) << "closed for want of a start message";
}

TEST_F(TwilioE2ETest, OutboundCallSpeaksTheFirstMessageGivenToCall) {
  start();
  server::OutboundCallRequest request;
  request.to = "+15550003333";
  request.first_message = "Hi {name}, this is Trattoria Patter about your booking.";
  request.variables = {{"name", "Ada"}};
  const std::string call_sid = server->place_call(request);
  const auto placed = rest.call(call_sid);
  ASSERT_TRUE(placed);
  ASSERT_FALSE(placed->twiml.empty());
  EXPECT_THAT(placed->twiml.front(), HasSubstr("<Connect><Stream"));
  const auto target = sim::parse_stream_twiml(placed->twiml.front());
  EXPECT_THAT(target.url, ::testing::StartsWith("wss://" + std::string(kPublicHost) + "/ws/stream/"));

  const auto result = call(R"yaml(
steps:
  - wait_for_agent: {timeout_ms: 10000}
  - hang_up
)yaml",
                           [&](sim::SimulatedCallerOptions& options) {
                             options.webhook_url.clear();
                             options.call_sid = call_sid;
                             options.stream_url = "ws://127.0.0.1:" + std::to_string(server->port()) +
                                                  net::parse_endpoint(target.url).target;
                           },
                           target.parameters);
  EXPECT_THAT(result.errors, ::testing::IsEmpty());
  const auto end = log.wait_for_end(call_sid, kEndWait);
  ASSERT_TRUE(end);
  const auto lines = spoken_lines(end->transcript);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.front(), "assistant: Hi Ada, this is Trattoria Patter about your booking.");
}

TEST_F(TwilioE2ETest, OutboundCallAnsweredByAMachineGetsTheVoicemail) {
  start();
  server::OutboundCallRequest request;
  request.to = "+15550003333";
  request.machine_detection = true;
  request.voicemail_message = "Please call Trattoria Patter back.";
  const std::string call_sid = server->place_call(request);
  const auto placed = rest.call(call_sid);
  ASSERT_TRUE(placed);
  const auto form = [&](std::string_view name) {
    std::vector<std::string> values;
    for (const auto& [key, value] : placed->create_form) {
      if (key == name) values.push_back(value);
    }
    return values;
  };
  EXPECT_THAT(form("MachineDetection"), ElementsAre("DetectMessageEnd"));
  EXPECT_THAT(form("AsyncAmd"), ElementsAre("true"));
  EXPECT_THAT(form("Timeout"), ElementsAre("25"));
  EXPECT_THAT(form("StatusCallbackEvent"), ElementsAre("initiated", "ringing", "answered", "completed"));

  rest.set_call_status(call_sid, "in-progress");
  EXPECT_LT(post_webhook("/webhooks/twilio/amd", {{"AccountSid", rest.options().account_sid},
                                                   {"AnsweredBy", "machine_end_beep"},
                                                   {"CallSid", call_sid}})
                .status,
            300);
  std::vector<std::string> twiml;
  for (int attempt = 0; attempt < 50 && twiml.size() < 2; ++attempt) {
    twiml = rest.call(call_sid)->twiml;
    if (twiml.size() < 2) std::this_thread::sleep_for(100ms);
  }
  ASSERT_EQ(twiml.size(), 2U);
  EXPECT_THAT(twiml[1], HasSubstr("<Say>Please call Trattoria Patter back.</Say>"));
  EXPECT_THAT(twiml[1], HasSubstr("<Hangup/>"));
}

TEST_F(TwilioE2ETest, OutboundCallNobodyAnsweredEndsItsRecord) {
  start();
  server::OutboundCallRequest request;
  request.to = "+15550003333";
  const std::string call_sid = server->place_call(request);
  EXPECT_LT(post_webhook("/webhooks/twilio/status", {{"AccountSid", rest.options().account_sid},
                                                      {"CallSid", call_sid},
                                                      {"CallStatus", "no-answer"},
                                                      {"From", "+15550001111"},
                                                      {"To", "+15550003333"}})
                .status,
            300);
  const auto record = call_record(call_sid);
  EXPECT_EQ(record.at("status").as_string(), "no-answer");
  EXPECT_EQ(record.at("direction").as_string(), "outbound");
  const auto active = boost::json::parse(get("/api/dashboard/active").body);
  EXPECT_TRUE(active.as_array().empty());
}

// Twilio prices a call some time after it completes: the server asks until it has the price and
// stores it in place of its estimate.
TEST_F(TwilioE2ETest, ACompletedCallGetsTheBilledPrice) {
  start([](Agent&, server::PatterServerConfig& config) {
    config.twilio->price_lookup_delays = {std::chrono::milliseconds(0), std::chrono::milliseconds(400)};
  });
  server::OutboundCallRequest request;
  request.to = "+15550003333";
  const std::string call_sid = server->place_call(request);
  rest.set_call_status(call_sid, "completed");
  EXPECT_LT(post_webhook("/webhooks/twilio/status", {{"AccountSid", rest.options().account_sid},
                                                      {"CallDuration", "42"},
                                                      {"CallSid", call_sid},
                                                      {"CallStatus", "completed"}})
                .status,
            300);
  const auto fetches = [&] {
    const auto requests = rest.requests();
    return std::count_if(requests.begin(), requests.end(), [&](const fakes::FakeTwilioRequest& r) {
      return r.method == "GET" && r.path.find(call_sid) != std::string::npos;
    });
  };
  for (int attempt = 0; attempt < 50 && fetches() == 0; ++attempt) std::this_thread::sleep_for(20ms);
  ASSERT_EQ(fetches(), 1) << "the first lookup finds no price yet";
  rest.set_call_price(call_sid, "-0.0170");

  double telephony = 0.0;
  for (int attempt = 0; attempt < 50 && telephony == 0.0; ++attempt) {
    const auto response = get("/api/dashboard/calls/" + call_sid);
    if (response.status == 200) {
      const auto record = boost::json::parse(response.body).as_object();
      telephony = record.at("cost").as_object().at("telephony").to_number<double>();
    }
    if (telephony == 0.0) std::this_thread::sleep_for(50ms);
  }
  EXPECT_DOUBLE_EQ(telephony, 0.017);
  EXPECT_EQ(fetches(), 2);
}

}  // namespace
}  // namespace patter::e2e
