#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <memory>
#include <string>

#include <patter/providers.hpp>

#include "net/http_client.hpp"
#include "providers/llm/chat_config.hpp"
#include "providers/llm/reply_decoder.hpp"

namespace patter::providers {

// Streams one reply: sends `request` on `loop` and decodes the SSE response into `events` with
// a decoder from `make_decoder` (a fresh one per attempt). With a null `relay` the events are
// delivered on `loop` itself; otherwise each is posted to `relay` (the call's executor when it is
// not an Asio loop). Nothing is delivered inside this function.
//
// Failures before any output that are worth another try are retried (config.max_attempts);
// everything else ends in one on_error. cancel() on the returned stream, from any thread, stops
// all events at once and closes the connection; after on_done the connection finishes reading
// the response and goes back to the keep-alive pool.
std::unique_ptr<LlmStream> start_chat_exchange(boost::asio::any_io_executor loop,
                                               std::shared_ptr<Executor> relay,
                                               std::shared_ptr<net::HttpClient> client,
                                               std::shared_ptr<const ChatConfig> config,
                                               net::HttpClientRequest request,
                                               ReplyDecoderFactory make_decoder, LlmEvents events);

}  // namespace patter::providers
