#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <cstdint>
#include <memory>
#include <string>

#include <patter/audio_format.hpp>
#include <patter/providers.hpp>

#include "core/clock.hpp"
#include "net/call_loops.hpp"
#include "net/ws_client.hpp"
#include "providers/stt/stt_connection.hpp"

namespace patter::net {
class TlsClientContext;
class WebSocket;
}  // namespace patter::net

namespace patter::providers {

// What a WebSocket speech-to-text provider keeps for all its streams: the call loops and their
// clocks, one TLS client, the sockets warmup() parked, and the count of audio bytes sent.
class SttSockets {
 public:
  // A null clock factory: each loop's net::AsioClock.
  SttSockets(std::string provider, net::LoopClockFactory clock, const std::string& extra_ca_pem,
             std::shared_ptr<ParkedSockets> parked);
  ~SttSockets();
  SttSockets(const SttSockets&) = delete;
  SttSockets& operator=(const SttSockets&) = delete;

  // The loop a call's streams run on. Throws std::invalid_argument when context.executor is null.
  [[nodiscard]] boost::asio::any_io_executor loop(const StreamContext& context);
  // How one call's stream connects, taking the socket parked under `parked_key` if there is one.
  [[nodiscard]] SttConnection connection(const StreamContext& context, std::string parked_key,
                                         net::WsConnectRequest request);
  // warmup(): opens the call's socket on its loop and parks it under `parked_key`; a failure is
  // logged (without the URL) and otherwise ignored.
  void open_and_park(const StreamContext& context, std::string parked_key,
                     net::WsConnectRequest request, void (*close)(net::WebSocket&));

  [[nodiscard]] const std::shared_ptr<net::TlsClientContext>& tls() const { return tls_; }
  [[nodiscard]] const std::shared_ptr<std::atomic<std::uint64_t>>& sent_bytes() const {
    return sent_bytes_;
  }
  // Seconds of audio in `format` sent by every stream so far, replays included.
  [[nodiscard]] double sent_seconds(AudioFormat format) const;
  [[nodiscard]] std::size_t parked_sockets() const;

 private:
  std::string provider_;
  net::LoopClockFactory clock_;
  std::shared_ptr<net::TlsClientContext> tls_;
  std::shared_ptr<net::WsClient> client_;
  std::shared_ptr<std::atomic<std::uint64_t>> sent_bytes_;
  net::CallLoops loops_;
  std::shared_ptr<ParkedSockets> parked_;  // released before loops_ stops its loop
};

}  // namespace patter::providers
