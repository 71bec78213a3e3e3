#include <patter/embedded.hpp>
#include <patter/patter.hpp>

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "carriers/twilio/signature.hpp"
#include "fakes/fake_twilio_rest.hpp"
#include "fakes/run_coroutine.hpp"
#include "net/http_client.hpp"
#include "net/url.hpp"

namespace patter {
namespace {

using namespace std::chrono_literals;

OutboundCall outbound_to(std::string number) {
  OutboundCall call;
  call.to = std::move(number);
  return call;
}

Agent rules_agent() {
  Agent agent;
  agent.system_prompt = "You answer the phone.";
  agent.stt = embedded::pocketsphinx_stt({{"hello there"}, {}});
  agent.tts = embedded::espeak_tts();
  embedded::RulesOptions rules;
  rules.rules.push_back({{"hello"}, "Hello to you too.", std::nullopt});
  agent.llm = embedded::rules_brain(std::move(rules));
  return agent;
}

class PatterApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    database = std::filesystem::temp_directory_path() /
               ("patter_api_test_" + std::to_string(::getpid()) + "_" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name()) / "calls.db";
    std::filesystem::remove_all(database.parent_path());
  }
  void TearDown() override { std::filesystem::remove_all(database.parent_path()); }

  Twilio credentials() const {
    return Twilio{rest.options().account_sid, rest.options().auth_token, rest.base_url()};
  }
  ServeOptions options() const {
    ServeOptions serve;
    serve.port = 0;
    serve.threads = 1;
    serve.dashboard_database = database.string();
    return serve;
  }
  net::HttpClientResponse post(const std::string& url, const net::QueryParams& form, std::string signature) {
    boost::asio::io_context io;
    net::HttpClient client(io.get_executor());
    auto request = net::form_request(url, form);
    if (!signature.empty()) request.headers.emplace_back("X-Twilio-Signature", std::move(signature));
    return fakes::run_coroutine(io, client.request(std::move(request)));
  }

  fakes::FakeTwilioRest rest;
  std::filesystem::path database;
};

TEST_F(PatterApiTest, ConstructionChecksItsSettings) {
  EXPECT_THROW(Patter(credentials(), "5550001111", "agent.example.com"), std::invalid_argument);
  EXPECT_THROW(Patter(credentials(), "+15550001111", "not a host/"), std::invalid_argument);
  ::unsetenv("TWILIO_AUTH_TOKEN");
  try {
    Patter phone(Twilio{"AC0123456789abcdef0123456789abcdef", "", rest.base_url()}, "+15550001111",
                 "agent.example.com");
    FAIL() << "a missing auth token must be an error";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("TWILIO_AUTH_TOKEN"), std::string::npos) << error.what();
  }
  ::setenv("TWILIO_AUTH_TOKEN", rest.options().auth_token.c_str(), 1);
  EXPECT_NO_THROW(Patter(Twilio{"AC0123456789abcdef0123456789abcdef", "", rest.base_url()}, "+15550001111",
                         "https://agent.example.com/"));
  ::unsetenv("TWILIO_AUTH_TOKEN");
}

TEST_F(PatterApiTest, ServeConfiguresTheNumberAndChecksWebhookSignatures) {
  Patter phone(credentials(), "+15550001111", "https://agent.example.com/");
  EXPECT_THROW(phone.call(outbound_to("+15557654321")), std::logic_error);
  phone.serve(rules_agent(), options());
  ASSERT_NE(phone.port(), 0);
  // The number's voice webhook points here (asynchronously, after serve() returns).
  std::string voice_url;
  for (int i = 0; i < 100 && voice_url.empty(); ++i) {
    std::this_thread::sleep_for(20ms);
    voice_url = rest.numbers().front().voice_url;
  }
  EXPECT_EQ(voice_url, "https://agent.example.com/webhooks/twilio/voice");

  const std::string local = "http://127.0.0.1:" + std::to_string(phone.port()) + "/webhooks/twilio/voice";
  const net::QueryParams form{{"CallSid", "CA0123456789abcdef0123456789abcdef"},
                              {"From", "+15557654321"},
                              {"To", "+15550001111"}};
  EXPECT_EQ(post(local, form, "").status, 403);
  EXPECT_EQ(post(local, form, "forged").status, 403);
  const carriers::twilio::FormParams params(form.begin(), form.end());
  const auto signature = carriers::twilio::compute_signature(
      rest.options().auth_token, "https://agent.example.com/webhooks/twilio/voice", params);
  const auto answer = post(local, form, signature);
  EXPECT_EQ(answer.status, 200);
  EXPECT_NE(answer.body.find(R"(<Stream url="wss://agent.example.com/ws/stream/CA0123456789abcdef0123456789abcdef")"),
            std::string::npos)
      << answer.body;
  EXPECT_NE(answer.body.find(R"(<Parameter name="caller" value="+15557654321"/>)"), std::string::npos) << answer.body;
  phone.disconnect();
}

TEST_F(PatterApiTest, CallPlacesAnOutboundCallWithItsOwnSettings) {
  Patter phone(credentials(), "+15550001111", "agent.example.com");
  phone.serve(rules_agent(), options());
  OutboundCall call = outbound_to("+15557654321");
  call.first_message = "Hi, this is the bakery calling about your order.";
  call.machine_detection = true;
  const std::string sid = phone.call(call);
  const auto placed = rest.call(sid);
  ASSERT_TRUE(placed.has_value());
  EXPECT_EQ(placed->to, "+15557654321");
  EXPECT_EQ(placed->from, "+15550001111");
  ASSERT_FALSE(placed->twiml.empty());
  EXPECT_NE(placed->twiml.front().find("wss://agent.example.com/ws/stream/out"), std::string::npos);
  EXPECT_NE(placed->twiml.front().find(R"(name="patter_outbound")"), std::string::npos);
  const auto requests = rest.requests();
  const auto create = std::find_if(requests.begin(), requests.end(), [](const fakes::FakeTwilioRequest& r) {
    return r.method == "POST" && r.path.ends_with("/Calls.json");
  });
  ASSERT_NE(create, requests.end());
  const auto& request = *create;
  EXPECT_EQ(request.fields("StatusCallbackEvent"),
            (std::vector<std::string>{"initiated", "ringing", "answered", "completed"}));
  EXPECT_EQ(request.field("Timeout"), "25");
  EXPECT_EQ(request.field("MachineDetection"), "DetectMessageEnd");
  EXPECT_TRUE(rest.warnings().empty());
  EXPECT_THROW(phone.call(outbound_to("0044 20 7946 0000")), std::runtime_error);
  phone.disconnect();
}

}  // namespace
}  // namespace patter
