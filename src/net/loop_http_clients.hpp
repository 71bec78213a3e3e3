#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <memory>

#include "net/http_client.hpp"

namespace patter::net {

// The HttpClient (and so the keep-alive pool) a provider uses on one event loop. Calls live on
// one loop each and HttpClient is single-threaded, so every provider gets one client per loop,
// kept by a service of the loop's io_context: the pooled connections die with the loop, never
// after it, and a client whose owner is gone is dropped on the next lookup.
//
// `owner` identifies the provider. Thread-safe; the client itself must be used on the loop only,
// which must be single-threaded (as IoPool's loops are).
std::shared_ptr<HttpClient> loop_http_client(const boost::asio::any_io_executor& loop,
                                                  const std::shared_ptr<const void>& owner,
                                                  const HttpClientOptions& options);

}  // namespace patter::net
