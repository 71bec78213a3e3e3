#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string>

#include "net/http_message.hpp"

namespace patter::net::detail {

using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;
using BeastResponse = boost::beast::http::response<boost::beast::http::string_body>;

// Moves a parsed Beast request into our own type; throws HttpError(400) on a bad target.
HttpRequest to_http_request(BeastRequest&& request, std::string remote_address);

// Builds the wire response with Content-Length; keep_alive decides the Connection header.
BeastResponse to_beast_response(HttpResponse&& response, bool keep_alive);

}  // namespace patter::net::detail
