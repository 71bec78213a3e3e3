#include "carriers/twilio/rest_client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <string>

#include "carriers/twilio/sid.hpp"
#include "carriers/twilio/twiml.hpp"
#include "core/error.hpp"
#include "fakes/fake_twilio_rest.hpp"
#include "fakes/run_coroutine.hpp"

namespace patter::carriers::twilio {
namespace {

namespace asio = boost::asio;
using fakes::FakeTwilioRest;
using fakes::FakeTwilioRestOptions;

const std::string kInboundCall = "CAfedcba9876543210fedcba9876543210";
const std::string kOwnNumber = "+15550001111";

FakeTwilioRestOptions fake_options() {
  FakeTwilioRestOptions options;
  options.existing_call_sids = {kInboundCall};
  return options;
}

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

class TwilioRestClientTest : public ::testing::Test {
 protected:
  TwilioRestOptions client_options(std::string auth_token) const {
    TwilioRestOptions options;
    options.account_sid = fake_.options().account_sid;
    options.auth_token = std::move(auth_token);
    options.base_url = fake_.base_url();
    return options;
  }

  CreateCallRequest outbound_call() const {
    CreateCallRequest call;
    call.to = "+15557654321";
    call.from = kOwnNumber;
    call.twiml = connect_stream_twiml("wss://runtime.example/ws/stream/outbound");
    call.status_callback_url = "https://runtime.example/webhooks/twilio/status";
    return call;
  }

  template <typename T>
  T run(asio::awaitable<T> work) {
    return fakes::run_coroutine(io_, std::move(work));
  }

  template <typename T>
  core::Error error_of(asio::awaitable<T> work) {
    try {
      run(std::move(work));
    } catch (const core::Error& error) {
      return error;
    }
    ADD_FAILURE() << "no error";
    return core::Error(core::Errc::internal, "");
  }

  // The form of the only request the fake received.
  fakes::FakeTwilioRequest only_request() const {
    const auto requests = fake_.requests();
    EXPECT_EQ(requests.size(), 1u);
    return requests.empty() ? fakes::FakeTwilioRequest{} : requests.front();
  }

  FakeTwilioRest fake_{fake_options()};
  asio::io_context io_;
  net::HttpClient http_{io_.get_executor()};
  TwilioRestClient client_{http_, client_options(fake_.options().auth_token)};
};

TEST_F(TwilioRestClientTest, CreateCallPostsTheFormAndReturnsTheSid) {
  const auto call = outbound_call();
  const auto sid = run(client_.create_call(call));
  EXPECT_TRUE(is_valid_sid(sid, SidKind::call));
  const auto stored = fake_.call(sid);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->status, "queued");
  EXPECT_EQ(stored->twiml, std::vector<std::string>{call.twiml});

  const auto request = only_request();
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.path, "/2010-04-01/Accounts/" + fake_.options().account_sid + "/Calls.json");
  EXPECT_TRUE(request.authorized);
  EXPECT_EQ(request.field("To"), "+15557654321");
  EXPECT_EQ(request.field("From"), kOwnNumber);
  EXPECT_EQ(request.field("Twiml"), call.twiml);
  EXPECT_EQ(request.field("Timeout"), "25");
  EXPECT_EQ(request.field("StatusCallback"), call.status_callback_url);
  EXPECT_EQ(request.field("StatusCallbackMethod"), "POST");
  EXPECT_EQ(request.fields("StatusCallbackEvent"),
            (std::vector<std::string>{"initiated", "ringing", "answered", "completed"}));
  EXPECT_FALSE(request.field("MachineDetection"));
  EXPECT_TRUE(fake_.warnings().empty());
  EXPECT_EQ(fake_.server().log().requests().at(0).header("Content-Type"),
            "application/x-www-form-urlencoded");
}

TEST_F(TwilioRestClientTest, RingTimeoutIsSentOrOmitted) {
  auto call = outbound_call();
  call.timeout_seconds = 40;
  run(client_.create_call(call));
  call.timeout_seconds = std::nullopt;
  run(client_.create_call(call));
  const auto requests = fake_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].field("Timeout"), "40");
  EXPECT_FALSE(requests[1].field("Timeout"));
}

TEST_F(TwilioRestClientTest, MachineDetectionAddsAsyncAmdParameters) {
  auto call = outbound_call();
  call.machine_detection = true;
  call.amd_callback_url = "https://runtime.example/webhooks/twilio/amd";
  run(client_.create_call(call));
  const auto request = only_request();
  EXPECT_EQ(request.field("MachineDetection"), "DetectMessageEnd");
  EXPECT_EQ(request.field("AsyncAmd"), "true");
  EXPECT_EQ(request.field("AsyncAmdStatusCallback"), call.amd_callback_url);
}

TEST_F(TwilioRestClientTest, WithoutStatusCallbackNoEventsAreRequested) {
  auto call = outbound_call();
  call.status_callback_url.clear();
  run(client_.create_call(call));
  const auto request = only_request();
  EXPECT_FALSE(request.field("StatusCallback"));
  EXPECT_TRUE(request.fields("StatusCallbackEvent").empty());
}

TEST_F(TwilioRestClientTest, InvalidCallArgumentsFailBeforeAnyRequest) {
  auto bad_to = outbound_call();
  bad_to.to = "5557654321";
  EXPECT_EQ(error_of(client_.create_call(bad_to)).code(), core::Errc::bad_request);
  auto long_twiml = outbound_call();
  long_twiml.twiml = say_hangup_twiml(std::string(4000, 'a'));
  EXPECT_EQ(error_of(client_.create_call(long_twiml)).code(), core::Errc::bad_request);
  auto amd_without_callback = outbound_call();
  amd_without_callback.machine_detection = true;
  EXPECT_EQ(error_of(client_.create_call(amd_without_callback)).code(), core::Errc::bad_request);
  auto bad_timeout = outbound_call();
  bad_timeout.timeout_seconds = 0;
  EXPECT_EQ(error_of(client_.create_call(bad_timeout)).code(), core::Errc::bad_request);
  EXPECT_TRUE(fake_.server().log().requests().empty());
}

TEST_F(TwilioRestClientTest, BadCallSidsFailBeforeAnyRequest) {
  const std::string traversal = "CA0123456789abcdef0123456789abc/..";
  const std::string account_sid = fake_.options().account_sid;
  for (const auto& sid : {traversal, account_sid, std::string(), kInboundCall + "0"}) {
    EXPECT_EQ(error_of(client_.update_call_twiml(sid, say_hangup_twiml("bye"))).code(),
              core::Errc::bad_request);
    EXPECT_EQ(error_of(client_.hang_up(sid)).code(), core::Errc::bad_request);
    EXPECT_EQ(error_of(client_.start_recording(sid)).code(), core::Errc::bad_request);
    EXPECT_EQ(error_of(client_.fetch_call_price(sid)).code(), core::Errc::bad_request);
  }
  EXPECT_TRUE(fake_.server().log().requests().empty());
}

TEST_F(TwilioRestClientTest, RejectedCredentialsAreUpstreamAuth) {
  TwilioRestClient wrong(http_, client_options("not-the-token"));
  const auto error = error_of(wrong.hang_up(kInboundCall));
  EXPECT_EQ(error.code(), core::Errc::upstream_auth);
  EXPECT_TRUE(contains(error.what(), "HTTP 401")) << error.what();
  EXPECT_TRUE(contains(error.what(), "Twilio error 20003: Authenticate")) << error.what();
  EXPECT_FALSE(contains(error.what(), "not-the-token"));
  EXPECT_FALSE(only_request().authorized);
  EXPECT_EQ(fake_.call(kInboundCall)->status, "in-progress");
}

TEST_F(TwilioRestClientTest, FailuresMapToErrorCodes) {
  fake_.fail_next(429, 20429, "Too Many Requests");
  const auto limited = error_of(client_.hang_up(kInboundCall));
  EXPECT_EQ(limited.code(), core::Errc::rate_limited);
  EXPECT_TRUE(contains(limited.what(), "Twilio error 20429: Too Many Requests")) << limited.what();

  fake_.fail_next(403, 20403, "Forbidden");
  EXPECT_EQ(error_of(client_.hang_up(kInboundCall)).code(), core::Errc::upstream_auth);

  fake_.fail_next(500, 20500, "An internal server error has occurred");
  EXPECT_EQ(error_of(client_.hang_up(kInboundCall)).code(), core::Errc::upstream_error);

  fake_.fail_next_raw(502, "<html>Bad Gateway</html>");
  const auto gateway = error_of(client_.hang_up(kInboundCall));
  EXPECT_EQ(gateway.code(), core::Errc::upstream_error);
  EXPECT_TRUE(contains(gateway.what(), "HTTP 502")) << gateway.what();
}

TEST_F(TwilioRestClientTest, TwilioValidationErrorsAreQuoted) {
  auto call = outbound_call();
  call.from = "+15559990000";
  const auto error = error_of(client_.create_call(call));
  EXPECT_EQ(error.code(), core::Errc::upstream_error);
  EXPECT_TRUE(contains(error.what(), "HTTP 400, Twilio error 21210")) << error.what();
}

TEST_F(TwilioRestClientTest, UpdateCallTwimlRedirectsALiveCall) {
  const auto transfer = dial_twiml("+15551234567");
  run(client_.update_call_twiml(kInboundCall, transfer));
  const auto request = only_request();
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.path, "/2010-04-01/Accounts/" + fake_.options().account_sid + "/Calls/" +
                              kInboundCall + ".json");
  EXPECT_EQ(request.form, (fakes::FakeFormFields{{"Twiml", transfer}}));
  EXPECT_EQ(fake_.call(kInboundCall)->twiml, std::vector<std::string>{transfer});
}

TEST_F(TwilioRestClientTest, UpdatingACallThatIsNotLiveFails) {
  const auto sid = run(client_.create_call(outbound_call()));
  const auto error = error_of(client_.update_call_twiml(sid, say_hangup_twiml("hello")));
  EXPECT_EQ(error.code(), core::Errc::upstream_error);
  EXPECT_TRUE(contains(error.what(), "21220")) << error.what();
  fake_.set_call_status(sid, "in-progress");
  run(client_.update_call_twiml(sid, say_hangup_twiml("hello")));
  EXPECT_EQ(fake_.call(sid)->twiml.size(), 2u);
}

TEST_F(TwilioRestClientTest, HangUpCompletesTheCall) {
  run(client_.hang_up(kInboundCall));
  EXPECT_EQ(only_request().form, (fakes::FakeFormFields{{"Status", "completed"}}));
  EXPECT_EQ(fake_.call(kInboundCall)->status, "completed");
}

TEST_F(TwilioRestClientTest, StartRecordingReturnsTheRecordingSid) {
  const auto recording = run(client_.start_recording(kInboundCall));
  EXPECT_TRUE(is_valid_sid(recording, SidKind::recording));
  EXPECT_EQ(fake_.call(kInboundCall)->recording_sids, std::vector<std::string>{recording});
  const auto request = only_request();
  EXPECT_EQ(request.method, "POST");
  EXPECT_TRUE(request.path.ends_with("/Calls/" + kInboundCall + "/Recordings.json"));
}

TEST_F(TwilioRestClientTest, FetchCallPriceIsPositiveOrAbsent) {
  EXPECT_EQ(run(client_.fetch_call_price(kInboundCall)), std::nullopt);
  fake_.set_call_price(kInboundCall, "-0.0085");
  const auto price = run(client_.fetch_call_price(kInboundCall));
  ASSERT_TRUE(price);
  EXPECT_DOUBLE_EQ(*price, 0.0085);
  const auto requests = fake_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].method, "GET");
}

TEST_F(TwilioRestClientTest, ConfigureNumberFindsItThenSetsTheVoiceUrl) {
  const std::string voice_url = "https://runtime.example/webhooks/twilio/voice";
  run(client_.configure_number_voice_url(kOwnNumber, voice_url));
  const auto requests = fake_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_TRUE(requests[0].path.ends_with("/IncomingPhoneNumbers.json"));
  EXPECT_EQ(requests[0].query, (fakes::FakeFormFields{{"PhoneNumber", kOwnNumber}}));
  const auto number = fake_.numbers().at(0);
  EXPECT_EQ(requests[1].path, "/2010-04-01/Accounts/" + fake_.options().account_sid +
                                  "/IncomingPhoneNumbers/" + number.sid + ".json");
  EXPECT_EQ(requests[1].form,
            (fakes::FakeFormFields{{"VoiceUrl", voice_url}, {"VoiceMethod", "POST"}}));
  EXPECT_EQ(number.voice_url, voice_url);
  EXPECT_EQ(number.voice_method, "POST");
}

TEST_F(TwilioRestClientTest, ConfiguringANumberTheAccountLacksIsNotFound) {
  const auto error =
      error_of(client_.configure_number_voice_url("+15559990000", "https://runtime.example/voice"));
  EXPECT_EQ(error.code(), core::Errc::not_found);
  EXPECT_FALSE(contains(error.what(), "+15559990000"));
  EXPECT_EQ(fake_.requests().size(), 1u);
}

TEST_F(TwilioRestClientTest, ConstructorChecksTheCredentials) {
  auto bad_sid = client_options("token");
  bad_sid.account_sid = "AC123";
  try {
    TwilioRestClient client(http_, bad_sid);
    ADD_FAILURE() << "accepted a malformed account SID";
  } catch (const core::Error& error) {
    EXPECT_EQ(error.code(), core::Errc::config_invalid);
  }
  try {
    TwilioRestClient client(http_, client_options(""));
    ADD_FAILURE() << "accepted an empty auth token";
  } catch (const core::Error& error) {
    EXPECT_EQ(error.code(), core::Errc::missing_credential);
  }
}

}  // namespace
}  // namespace patter::carriers::twilio
