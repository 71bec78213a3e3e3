#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "net/http_message.hpp"
#include "net/router.hpp"

namespace patter::net {
namespace {

HttpRequest request_for(std::string target) {
  HttpRequest request;
  request.method = "GET";
  request.target = std::move(target);
  parse_request_target(request);
  return request;
}

boost::asio::awaitable<HttpResponse> ok_handler(HttpRequest&) { co_return HttpResponse::text("ok"); }

TEST(HttpMessage, ParsesPathAndDecodedQueryInOrder) {
  auto request = request_for("/calls/a%20b?limit=10&name=jane+doe&tag=x&tag=y");
  EXPECT_EQ(request.path, "/calls/a b");
  EXPECT_EQ(request.path_segments, (std::vector<std::string>{"calls", "a b"}));
  ASSERT_EQ(request.query.size(), 4u);
  EXPECT_EQ(request.query_param("name"), "jane doe");
  EXPECT_EQ(request.query_param("tag"), "x");
  EXPECT_EQ(request.query[3].second, "y");
  EXPECT_FALSE(request.query_param("missing").has_value());
}

TEST(HttpMessage, RejectsTargetThatIsNotOriginForm) {
  HttpRequest request;
  request.target = "not a path";
  try {
    parse_request_target(request);
    FAIL() << "expected HttpError";
  } catch (const HttpError& error) {
    EXPECT_EQ(error.status(), 400);
  }
}

TEST(HttpMessage, HeadersAreCaseInsensitiveAndKeepOrder) {
  HttpHeaders headers;
  headers.add("Content-Type", "text/plain");
  headers.add("X-Tag", "a");
  headers.add("x-tag", "b");
  EXPECT_EQ(headers.get("content-type"), "text/plain");
  EXPECT_EQ(headers.get("X-TAG"), "a");
  headers.set("X-Tag", "c");
  EXPECT_EQ(headers.size(), 2u);
  EXPECT_EQ(headers.get("x-tag"), "c");
  EXPECT_FALSE(headers.contains("Authorization"));
}

TEST(HttpMessage, FormKeepsRepeatedKeysAndDecodes) {
  HttpRequest request;
  request.body = "CallSid=CA1&Digits=1%232&Note=hello+world&Digits=9";
  const auto form = request.form();
  ASSERT_EQ(form.size(), 4u);
  EXPECT_EQ(form[1], (std::pair<std::string, std::string>{"Digits", "1#2"}));
  EXPECT_EQ(form[2].second, "hello world");
  EXPECT_EQ(form[3].second, "9");
}

TEST(HttpMessage, MalformedFormIsHttp400) {
  HttpRequest request;
  request.body = "a=%zz";
  EXPECT_THROW((void)request.form(), HttpError);
}

TEST(HttpMessage, JsonParsesAndMalformedJsonNamesTheProblem) {
  HttpRequest request;
  request.body = R"({"event":"start","n":2})";
  EXPECT_EQ(request.json().at("n").as_int64(), 2);
  request.body = R"({"event":)";
  try {
    (void)request.json();
    FAIL() << "expected HttpError";
  } catch (const HttpError& error) {
    EXPECT_EQ(error.status(), 400);
    EXPECT_NE(std::string(error.what()).find("malformed JSON"), std::string::npos);
  }
}

TEST(HttpMessage, ResponseFactoriesSetBodyAndContentType) {
  auto json = HttpResponse::json(boost::json::object{{"ok", true}}, 201);
  EXPECT_EQ(json.status, 201);
  EXPECT_EQ(json.body, R"({"ok":true})");
  EXPECT_EQ(json.headers.get("content-type"), "application/json");
  auto error = HttpResponse::error(404, "no such call");
  EXPECT_EQ(error.status, 404);
  EXPECT_EQ(boost::json::parse(error.body).at("error").as_string(), "no such call");
  auto text = HttpResponse::text("hi");
  EXPECT_EQ(text.headers.get("Content-Type"), "text/plain; charset=utf-8");
}

TEST(Router, MatchesLiteralAndParameterSegments) {
  Router router;
  router.get("/health", ok_handler);
  router.post("/calls/{call_id}/hangup", ok_handler);
  auto request = request_for("/calls/CA42/hangup");
  auto match = router.match("POST", request.path_segments, false);
  ASSERT_EQ(match.outcome, RouteMatch::Outcome::found);
  ASSERT_EQ(match.params.size(), 1u);
  EXPECT_EQ(match.params[0], (std::pair<std::string, std::string>{"call_id", "CA42"}));
  EXPECT_EQ(router.match("GET", request_for("/health").path_segments, false).outcome,
            RouteMatch::Outcome::found);
}

TEST(Router, UnknownPathIsNotFoundAndWrongMethodListsAllowed) {
  Router router;
  router.get("/calls", ok_handler);
  router.post("/calls", ok_handler);
  EXPECT_EQ(router.match("GET", request_for("/nope").path_segments, false).outcome,
            RouteMatch::Outcome::not_found);
  auto match = router.match("DELETE", request_for("/calls").path_segments, false);
  EXPECT_EQ(match.outcome, RouteMatch::Outcome::method_not_allowed);
  EXPECT_EQ(match.allow, "GET, POST");
}

TEST(Router, WebSocketRoutesAnswerOnlyUpgrades) {
  Router router;
  router.get("/ws/plain", ok_handler);
  router.add_websocket("/ws/stream/{id}",
                       [](HttpRequest&, std::shared_ptr<WebSocket>) -> boost::asio::awaitable<void> { co_return; });
  const auto segments = request_for("/ws/stream/7").path_segments;
  EXPECT_EQ(router.match("GET", segments, true).outcome, RouteMatch::Outcome::found);
  EXPECT_EQ(router.match("GET", segments, false).outcome, RouteMatch::Outcome::upgrade_required);
  EXPECT_EQ(router.match("GET", request_for("/ws/plain").path_segments, true).outcome,
            RouteMatch::Outcome::not_found);
}

}  // namespace
}  // namespace patter::net
