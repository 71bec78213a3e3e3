#include "carriers/twilio/twiml.hpp"

#include <gtest/gtest.h>

#include <string>

#include "core/error.hpp"

namespace patter::carriers::twilio {
namespace {

const std::string kDeclaration = R"(<?xml version="1.0" encoding="UTF-8"?>)";

core::Errc error_code_of(void (*build)()) {
  try {
    build();
  } catch (const core::Error& error) {
    return error.code();
  }
  ADD_FAILURE() << "no error";
  return core::Errc::internal;
}

TEST(Twiml, ConnectStreamWithoutParameters) {
  EXPECT_EQ(connect_stream_twiml("wss://runtime.example/ws/stream/outbound"),
            kDeclaration +
                R"(<Response><Connect><Stream url="wss://runtime.example/ws/stream/outbound"/>)"
                R"(</Connect></Response>)");
}

TEST(Twiml, ConnectStreamCarriesParametersAsElements) {
  const StreamParameters parameters = {{"caller", "+15551230000"}, {"callee", "+15550001111"}};
  EXPECT_EQ(connect_stream_twiml("wss://runtime.example/ws/stream/CA1", parameters),
            kDeclaration +
                R"(<Response><Connect><Stream url="wss://runtime.example/ws/stream/CA1">)"
                R"(<Parameter name="callee" value="+15550001111"/>)"
                R"(<Parameter name="caller" value="+15551230000"/>)"
                R"(</Stream></Connect></Response>)");
}

TEST(Twiml, HostileParameterValuesStayInsideTheirAttribute) {
  const StreamParameters parameters = {{"caller", R"("><Dial>+1</Dial>)"}, {"a'&b", "<x>"}};
  const auto twiml = connect_stream_twiml("wss://runtime.example/ws", parameters);
  EXPECT_EQ(twiml, kDeclaration +
                       R"(<Response><Connect><Stream url="wss://runtime.example/ws">)"
                       R"(<Parameter name="a&apos;&amp;b" value="&lt;x&gt;"/>)"
                       R"(<Parameter name="caller" value="&quot;&gt;&lt;Dial&gt;+1&lt;/Dial&gt;"/>)"
                       R"(</Stream></Connect></Response>)");
  EXPECT_EQ(twiml.find("<Dial>"), std::string::npos);
}

TEST(Twiml, StreamUrlIsEscapedAndMayNotCarryAQuery) {
  EXPECT_NE(connect_stream_twiml(R"(wss://h/"a<b)").find(R"(url="wss://h/&quot;a&lt;b")"),
            std::string::npos);
  EXPECT_EQ(error_code_of([] { (void)connect_stream_twiml("wss://h/ws?caller=+1555"); }),
            core::Errc::bad_request);
  EXPECT_EQ(error_code_of([] { (void)connect_stream_twiml(""); }), core::Errc::bad_request);
}

TEST(Twiml, DialsANumber) {
  EXPECT_EQ(dial_twiml("+15551234567"),
            kDeclaration + "<Response><Dial>+15551234567</Dial></Response>");
}

TEST(Twiml, DialsSipUrisThroughSip) {
  EXPECT_EQ(dial_twiml("sip:agent@pbx.example.com;transport=tls"),
            kDeclaration +
                "<Response><Dial><Sip>sip:agent@pbx.example.com;transport=tls</Sip></Dial>"
                "</Response>");
  EXPECT_EQ(dial_twiml("sips:agent@10.0.0.1:5061"),
            kDeclaration + "<Response><Dial><Sip>sips:agent@10.0.0.1:5061</Sip></Dial></Response>");
}

TEST(Twiml, RefusesToDialAnythingElse) {
  EXPECT_EQ(error_code_of([] { (void)dial_twiml("</Dial><Play>x</Play>"); }),
            core::Errc::bad_request);
  EXPECT_EQ(error_code_of([] { (void)dial_twiml("5551234567"); }), core::Errc::bad_request);
  EXPECT_EQ(error_code_of([] { (void)dial_twiml(""); }), core::Errc::bad_request);
}

TEST(Twiml, SayThenHangUpEscapesTheText) {
  EXPECT_EQ(say_hangup_twiml("Hi, it's Ann & co. <call back>"),
            kDeclaration +
                "<Response><Say>Hi, it&apos;s Ann &amp; co. &lt;call back&gt;</Say><Hangup/>"
                "</Response>");
}

}  // namespace
}  // namespace patter::carriers::twilio
