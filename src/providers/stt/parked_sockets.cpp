#include "providers/stt/parked_sockets.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>

#include "net/client_error.hpp"

namespace patter::providers {

struct ParkedSockets::Entry {
  std::string key;
  std::shared_ptr<net::WebSocket> socket;
  std::shared_ptr<core::Clock> clock;
  core::Timer keepalive;
  core::Timer expiry;
};

namespace {

void close_parked(net::WebSocket& socket, const std::string& message) {
  if (!socket.is_open()) return;
  if (!message.empty()) socket.send_text(message);
  socket.close(1000);
}

}  // namespace

void close_deepgram_socket(net::WebSocket& socket) {
  close_parked(socket, ParkedSocketMessages{}.close);
}

ParkedSockets::~ParkedSockets() {
  // Each socket and its timers belong to its loop: they are closed and released there.
  for (auto& entry : entries_) {
    const auto loop = entry->socket->get_executor();
    boost::asio::post(loop, [entry = std::move(entry), close = messages_.close] {
      entry->keepalive.cancel();
      entry->expiry.cancel();
      close_parked(*entry->socket, close);
    });
  }
}

void ParkedSockets::park(std::string key, std::shared_ptr<net::WebSocket> socket,
                         std::shared_ptr<core::Clock> clock) {
  {
    const std::lock_guard lock(mutex_);
    const bool parked_already = std::any_of(entries_.begin(), entries_.end(), [&](const auto& e) {
      return e->key == key && e->socket->get_executor() == socket->get_executor();
    });
    if (parked_already) {
      close_parked(*socket, messages_.close);
      return;
    }
  }
  auto entry = std::make_shared<Entry>();
  entry->key = std::move(key);
  entry->socket = std::move(socket);
  entry->clock = std::move(clock);
  const std::weak_ptr<ParkedSockets> registry = weak_from_this();
  const std::weak_ptr<Entry> parked = entry;
  entry->expiry = entry->clock->schedule_after(lifetime_, [registry, parked] {
    const auto self = registry.lock();
    const auto found = parked.lock();
    if (self && found) self->expire(found);
  });
  keep_alive(entry);
  const std::lock_guard lock(mutex_);
  entries_.push_back(std::move(entry));
}

void ParkedSockets::keep_alive(const std::shared_ptr<Entry>& entry) {
  const std::weak_ptr<ParkedSockets> registry = weak_from_this();
  const std::weak_ptr<Entry> parked = entry;
  entry->keepalive = entry->clock->schedule_after(keepalive_interval_, [registry, parked] {
    const auto self = registry.lock();
    const auto found = parked.lock();
    if (!self || !found || !found->socket->is_open()) return;
    if (!self->messages_.keepalive.empty()) found->socket->send_text(self->messages_.keepalive);
    self->keep_alive(found);
  });
}

void ParkedSockets::expire(const std::shared_ptr<Entry>& entry) {
  {
    const std::lock_guard lock(mutex_);
    std::erase(entries_, entry);
  }
  entry->keepalive.cancel();
  close_parked(*entry->socket, messages_.close);
}

std::shared_ptr<net::WebSocket> ParkedSockets::take(const std::string& key,
                                                    const boost::asio::any_io_executor& loop) {
  std::shared_ptr<Entry> entry;
  {
    const std::lock_guard lock(mutex_);
    const auto found = std::find_if(entries_.begin(), entries_.end(), [&](const auto& candidate) {
      return candidate->key == key && candidate->socket->get_executor() == loop;
    });
    if (found == entries_.end()) return nullptr;
    entry = *found;
    entries_.erase(found);
  }
  entry->keepalive.cancel();
  entry->expiry.cancel();
  if (!entry->socket->is_open()) return nullptr;
  return entry->socket;
}

std::size_t ParkedSockets::size() const {
  const std::lock_guard lock(mutex_);
  return entries_.size();
}

boost::asio::awaitable<void> open_and_park(std::shared_ptr<net::WsClient> client,
                                           net::WsConnectRequest request,
                                           std::weak_ptr<ParkedSockets> parked, std::string key,
                                           std::shared_ptr<core::Clock> clock,
                                           void (*close)(net::WebSocket&)) {
  auto socket = co_await client->connect(std::move(request));
  if (const auto registry = parked.lock()) {
    registry->park(std::move(key), std::move(socket), std::move(clock));
  } else {
    close(*socket);
  }
}

void log_warmup_failure(std::string_view provider, const std::exception_ptr& error) {
  if (!error) return;
  try {
    std::rethrow_exception(error);
  } catch (const net::WsHandshakeError& failure) {
    spdlog::info("{}: warmup refused (HTTP {})", provider, failure.status());
  } catch (const net::ClientError& failure) {
    spdlog::info("{}: warmup failed ({})", provider, net::to_string(failure.kind()));
  } catch (const std::exception&) {
    spdlog::info("{}: warmup failed", provider);
  }
}

}  // namespace patter::providers
