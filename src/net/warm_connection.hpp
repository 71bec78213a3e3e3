#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>

#include "net/url.hpp"

namespace patter::net {

class TlsClientContext;

// Resolves, connects and (for https/wss) completes a TLS handshake with `endpoint`, then hangs
// up: warms DNS, the route and the TLS session cache ahead of a call for services where opening
// a session would bill. Throws ClientError on failure.
boost::asio::awaitable<void> warm_endpoint(Endpoint endpoint, std::shared_ptr<TlsClientContext> tls,
                                           std::chrono::milliseconds timeout);

}  // namespace patter::net
