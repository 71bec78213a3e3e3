#include "net/url.hpp"

#include <gtest/gtest.h>

namespace patter::net {
namespace {

TEST(Url, ParsesSchemesAndDefaultPorts) {
  const auto https = parse_endpoint("https://api.example.com/v1/chat?x=1");
  EXPECT_EQ(https.scheme, "https");
  EXPECT_EQ(https.host, "api.example.com");
  EXPECT_EQ(https.port, 443);
  EXPECT_EQ(https.target, "/v1/chat?x=1");
  EXPECT_TRUE(https.secure());
  EXPECT_EQ(https.host_header(), "api.example.com");

  const auto ws = parse_endpoint("WS://127.0.0.1:8080");
  EXPECT_EQ(ws.scheme, "ws");
  EXPECT_EQ(ws.port, 8080);
  EXPECT_EQ(ws.target, "/");
  EXPECT_FALSE(ws.secure());
  EXPECT_EQ(ws.host_header(), "127.0.0.1:8080");
  EXPECT_EQ(ws.origin(), "ws://127.0.0.1:8080");

  EXPECT_EQ(parse_endpoint("wss://h/x").port, 443);
  EXPECT_EQ(parse_endpoint("http://h/x").port, 80);
}

TEST(Url, Ipv6HostWithoutBrackets) {
  const auto endpoint = parse_endpoint("http://[::1]:9000/a");
  EXPECT_EQ(endpoint.host, "::1");
  EXPECT_EQ(endpoint.host_header(), "[::1]:9000");
}

TEST(Url, RejectsBadUrls) {
  EXPECT_THROW(parse_endpoint("/relative/path"), UrlError);
  EXPECT_THROW(parse_endpoint("ftp://example.com/"), UrlError);
  EXPECT_THROW(parse_endpoint("http://user:pw@example.com/"), UrlError);
  EXPECT_THROW(parse_endpoint("http:///nohost"), UrlError);
  EXPECT_THROW(parse_endpoint("http://example.com:99999/"), UrlError);
}

TEST(Url, AppendQueryPercentEncodesReservedCharacters) {
  const auto url =
      append_query("wss://api.example.com/v1/listen?model=nova-3",
                   {{"keyterm", "C++ & Rust"}, {"a=b", "x+y/z"}, {"emoji", "\xC3\xA9"}});
  EXPECT_EQ(url,
            "wss://api.example.com/v1/listen?model=nova-3&keyterm=C%2B%2B%20%26%20Rust"
            "&a%3Db=x%2By%2Fz&emoji=%C3%A9");
  EXPECT_EQ(append_query("http://h/p", {{"k", "v"}}), "http://h/p?k=v");
  EXPECT_EQ(append_query("http://h/p", {}), "http://h/p");
}

TEST(Url, FormEncoding) {
  EXPECT_EQ(form_urlencode({{"To", "+15551234567"}, {"Twiml", "<Response/>"}}),
            "To=%2B15551234567&Twiml=%3CResponse%2F%3E");
}

TEST(Url, JoinUrlUsesExactlyOneSlash) {
  EXPECT_EQ(join_url("https://api.example.com/v1/", "/chat/completions"),
            "https://api.example.com/v1/chat/completions");
  EXPECT_EQ(join_url("http://127.0.0.1:1234", "v1/listen"), "http://127.0.0.1:1234/v1/listen");
}

}  // namespace
}  // namespace patter::net
