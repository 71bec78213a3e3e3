#include "net/http_message.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/params_view.hpp>
#include <boost/url/url_view.hpp>
#include <cctype>

namespace patter::net {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  });
}

const boost::urls::encoding_opts kPlusIsSpace{true, false, false};

NameValuePairs collect(const boost::urls::params_view& params) {
  NameValuePairs pairs;
  for (const auto& param : params) pairs.emplace_back(param.key, param.value);
  return pairs;
}

}  // namespace

void HttpHeaders::add(std::string name, std::string value) {
  fields_.emplace_back(std::move(name), std::move(value));
}

void HttpHeaders::set(std::string name, std::string value) {
  erase(name);
  add(std::move(name), std::move(value));
}

void HttpHeaders::erase(std::string_view name) {
  std::erase_if(fields_, [name](const auto& field) { return iequals(field.first, name); });
}

std::optional<std::string_view> HttpHeaders::get(std::string_view name) const {
  for (const auto& [field, value] : fields_) {
    if (iequals(field, name)) return value;
  }
  return std::nullopt;
}

std::optional<std::string_view> HttpRequest::query_param(std::string_view name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::string_view HttpRequest::path_param(std::string_view name) const {
  for (const auto& [key, value] : path_params) {
    if (key == name) return value;
  }
  return {};
}

NameValuePairs HttpRequest::form() const { return parse_form_urlencoded(body); }

boost::json::value HttpRequest::json() const {
  boost::system::error_code ec;
  auto value = boost::json::parse(body, ec);
  if (ec) throw HttpError(400, "malformed JSON body: " + ec.message());
  return value;
}

HttpResponse HttpResponse::json(const boost::json::value& value, int status) {
  HttpResponse response{status, {}, boost::json::serialize(value)};
  response.headers.set("Content-Type", "application/json");
  return response;
}

HttpResponse HttpResponse::text(std::string body, int status, std::string content_type) {
  HttpResponse response{status, {}, std::move(body)};
  response.headers.set("Content-Type", std::move(content_type));
  return response;
}

HttpResponse HttpResponse::error(int status, std::string_view message) {
  return json(boost::json::object{{"error", message}}, status);
}

void parse_request_target(HttpRequest& request) {
  auto url = boost::urls::parse_origin_form(request.target);
  if (!url) throw HttpError(400, "invalid request target");
  request.path = url->path();
  request.path_segments.clear();
  for (auto segment : url->segments()) {
    if (!segment.empty()) request.path_segments.push_back(std::move(segment));
  }
  request.query = collect(url->params(kPlusIsSpace));
}

NameValuePairs parse_form_urlencoded(std::string_view text) {
  if (text.empty()) return {};
  try {
    return collect(boost::urls::params_view(text, kPlusIsSpace));
  } catch (const std::exception&) {
    throw HttpError(400, "malformed form body (application/x-www-form-urlencoded)");
  }
}

}  // namespace patter::net
