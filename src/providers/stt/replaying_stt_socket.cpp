#include "providers/stt/replaying_stt_socket.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <cmath>
#include <exception>
#include <span>
#include <utility>

#include "providers/stt/parked_sockets.hpp"

namespace patter::providers {

namespace asio = boost::asio;
using std::chrono::milliseconds;

namespace {

constexpr milliseconds kReplayChunk{200};

class ReplayingSttStream final : public SttStream {
 public:
  explicit ReplayingSttStream(std::shared_ptr<ReplayingSttSocket> socket)
      : socket_(std::move(socket)) {}
  ~ReplayingSttStream() override { close(); }
  ReplayingSttStream(const ReplayingSttStream&) = delete;
  ReplayingSttStream& operator=(const ReplayingSttStream&) = delete;

  void push_audio(std::span<const std::uint8_t> bytes) override {
    if (!socket_ || bytes.empty() || socket_->delivery()->stopped()) return;
    std::string copy(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    asio::dispatch(socket_->loop(), [socket = socket_, copy = std::move(copy)]() mutable {
      socket->on_audio(std::move(copy));
    });
  }

  void finalize() override {
    if (!socket_ || socket_->delivery()->stopped()) return;
    asio::dispatch(socket_->loop(), [socket = socket_] { socket->on_finalize(); });
  }

  void close() override {
    if (!socket_) return;
    socket_->delivery()->stop();
    auto socket = std::move(socket_);
    const auto loop = socket->loop();
    asio::dispatch(loop, [socket = std::move(socket)] { socket->shut_down(); });
  }

 private:
  std::shared_ptr<ReplayingSttSocket> socket_;
};

}  // namespace

ReplayingSttSocket::ReplayingSttSocket(ReplayingSttSocketSetup setup, SttEvents events)
    : setup_(std::move(setup)),
      delivery_(std::make_shared<SttDelivery>(std::move(events))),
      ring_(setup_.input_format.bytes_in(setup_.replay_window)),
      bytes_per_second_(static_cast<double>(setup_.input_format.sample_rate) *
                        static_cast<double>(setup_.input_format.bytes_per_sample())) {}

std::unique_ptr<SttStream> ReplayingSttSocket::start(std::shared_ptr<ReplayingSttSocket> socket) {
  const auto loop = socket->loop();
  asio::dispatch(loop, [socket] { socket->connect(); });
  return std::make_unique<ReplayingSttStream>(std::move(socket));
}

void ReplayingSttSocket::on_audio(std::string bytes) {
  if (closing_ || failed_ || bytes.empty()) return;
  const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
  const auto dropped = ring_.append({data, bytes.size()});
  if (dropped > 0 && !socket_ && !warned_overflow_) {
    warned_overflow_ = true;
    spdlog::warn("{}: call {}: still not connected; audio older than {} ms is lost",
                 setup_.provider, call_id(), setup_.replay_window.count());
  }
  if (socket_) {
    send_live(std::move(bytes));
  } else if (std::exchange(waiting_, false)) {
    connect();
  }
}

void ReplayingSttSocket::on_finalize() {
  if (closing_ || failed_) return;
  finalize();
}

void ReplayingSttSocket::shut_down() {
  if (closing_) return;
  closing_ = true;
  keepalive_.cancel();
  retry_.cancel();
  cancel_timers();
  end_stream();
}

void ReplayingSttSocket::on_message_while_closing(net::WebSocket& /*socket*/,
                                                  const net::WsMessage& /*message*/) {}

void ReplayingSttSocket::send_replay() {
  const auto chunk = std::max<std::size_t>(setup_.input_format.bytes_in(kReplayChunk), 1);
  for (auto offset = base_; offset < ring_.end_offset(); offset += chunk) {
    transmit(ring_.slice(offset, chunk));
  }
  sent_until_ = ring_.end_offset();
}

void ReplayingSttSocket::send_live(std::string bytes) {
  transmit(std::move(bytes));
  sent_until_ = ring_.end_offset();
}

void ReplayingSttSocket::write_audio(net::WebSocket& socket, std::string bytes) {
  socket.send_binary(std::move(bytes));
}

void ReplayingSttSocket::end_stream() {
  if (socket_) close_socket(*socket_);
  socket_.reset();
}

void ReplayingSttSocket::transmit(std::string bytes) {
  setup_.connection.sent_bytes->fetch_add(bytes.size());
  last_sent_ = clock().now();
  write_audio(*socket_, std::move(bytes));
}

void ReplayingSttSocket::defer_finalize() {
  finalize_pending_ = true;
  if (std::exchange(waiting_, false)) connect();
}

bool ReplayingSttSocket::take_deferred_finalize() {
  return std::exchange(finalize_pending_, false);
}

std::shared_ptr<net::WebSocket> ReplayingSttSocket::release_socket() {
  ++generation_;
  keepalive_.cancel();
  return std::exchange(socket_, nullptr);
}

void ReplayingSttSocket::connect() {
  asio::co_spawn(loop(), attempt(shared_from_this()), asio::detached);
}

asio::awaitable<void> ReplayingSttSocket::attempt(std::shared_ptr<ReplayingSttSocket> self) {
  const auto& connection = self->setup_.connection;
  std::shared_ptr<net::WebSocket> socket;
  if (connection.parked && !std::exchange(self->tried_parked_, true)) {
    socket = connection.parked->take(connection.parked_key, connection.loop);
  }
  std::optional<SocketFailure> failure;
  if (!socket) {
    try {
      net::WsConnectRequest request = connection.request;
      socket = co_await connection.client->connect(std::move(request));
    } catch (const net::WsHandshakeError& error) {
      failure = self->handshake_failure(error);
    } catch (const net::ClientError& error) {
      failure = self->client_failure(error);
    } catch (const std::exception& error) {
      failure = self->unexpected_failure(error.what());
    }
  }
  if (self->closing_ || self->failed_) {
    if (socket) self->close_socket(*socket);
    co_return;
  }
  if (failure) {
    self->retry_or_fail(*failure);
    co_return;
  }
  self->connected(std::move(socket));
}

void ReplayingSttSocket::connected(std::shared_ptr<net::WebSocket> socket) {
  socket_ = std::move(socket);
  const auto generation = ++generation_;
  base_ = ring_.begin_offset();
  if (sent_until_ > base_) {
    delivery_->audio_replayed(static_cast<double>(sent_until_ - base_) / bytes_per_second_);
  }
  sent_until_ = base_;
  before_replay();
  if (base_ > acked_) {
    spdlog::warn("{}: call {}: {} ms of audio fell out of the replay window", setup_.provider,
                 call_id(), static_cast<long long>(ms_of(base_ - acked_)));
  }
  last_sent_ = clock().now();
  send_replay();
  after_replay();
  arm_keepalive();
  asio::co_spawn(loop(), read(shared_from_this(), socket_, generation), asio::detached);
}

asio::awaitable<void> ReplayingSttSocket::read(std::shared_ptr<ReplayingSttSocket> self,
                                               std::shared_ptr<net::WebSocket> socket,
                                               std::uint64_t generation) {
  while (auto message = co_await socket->receive()) {
    if (generation != self->generation_ || self->failed_) continue;
    if (self->closing_) {
      self->on_message_while_closing(*socket, *message);
      continue;
    }
    self->on_message(*message);
  }
  if (generation != self->generation_ || self->closing_ || self->failed_) co_return;
  self->socket_.reset();
  self->keepalive_.cancel();
  if (const auto failure = self->closed_by_server(socket->close_info())) {
    self->retry_or_fail(*failure);
  } else {
    self->waiting_ = true;
  }
}

void ReplayingSttSocket::arm_keepalive() {
  if (!setup_.keepalive) return;
  const std::weak_ptr<ReplayingSttSocket> weak = weak_from_this();
  keepalive_ = clock().schedule_at(last_sent_ + setup_.keepalive->interval, [weak] {
    const auto self = weak.lock();
    if (!self || !self->socket_) return;
    const auto now = self->clock().now();
    if (now - self->last_sent_ >= self->setup_.keepalive->interval) {
      self->socket_->send_text(self->setup_.keepalive->message);
      self->last_sent_ = now;
    }
    self->arm_keepalive();
  });
}

void ReplayingSttSocket::retry_or_fail(const SocketFailure& failure) {
  if (!failure.retryable) {
    fail(failure.message);
    return;
  }
  if (failures_ >= setup_.reconnect_attempts) {
    fail(failure.message +
         (failures_ > 0 ? " (after " + std::to_string(failures_) + " reconnect attempts)" : ""));
    return;
  }
  auto delay = failures_ == 0 ? milliseconds::zero()
                              : setup_.reconnect_backoff * (1 << std::min(failures_ - 1, 10));
  if (failure.retry_after) delay = std::max(delay, *failure.retry_after);
  ++failures_;
  spdlog::warn("call {}: {}; reconnecting in {} ms, replaying {} ms of audio", call_id(),
               failure.message, delay.count(), static_cast<long long>(ms_of(ring_.size())));
  if (delay == milliseconds::zero()) {
    connect();
    return;
  }
  const std::weak_ptr<ReplayingSttSocket> weak = weak_from_this();
  retry_ = clock().schedule_after(delay, [weak] {
    if (const auto self = weak.lock(); self && !self->closing_ && !self->failed_) {
      self->connect();
    }
  });
}

void ReplayingSttSocket::fail(const std::string& message) {
  if (failed_) return;
  failed_ = true;
  keepalive_.cancel();
  retry_.cancel();
  cancel_timers();
  if (socket_) close_socket(*socket_);
  socket_.reset();
  delivery_->error(message);
}

void ReplayingSttSocket::acknowledge(std::uint64_t offset) {
  acked_ = std::max(acked_, std::min(offset, ring_.end_offset()));
  ring_.acknowledge(acked_);
}

std::uint64_t ReplayingSttSocket::sample_aligned(double bytes) const {
  auto whole = static_cast<std::uint64_t>(std::llround(std::max(0.0, bytes)));
  return whole - whole % setup_.input_format.bytes_per_sample();
}

}  // namespace patter::providers
