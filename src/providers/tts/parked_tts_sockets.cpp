#include "providers/tts/parked_tts_sockets.hpp"

#include <algorithm>
#include <boost/asio/execution/context.hpp>
#include <boost/asio/execution_context.hpp>
#include <boost/asio/query.hpp>
#include <boost/asio/steady_timer.hpp>
#include <vector>

namespace patter::providers {

namespace asio = boost::asio;

namespace {

// Parked sockets per provider and loop; more than this and the oldest is closed.
constexpr std::size_t kMaxParkedPerOwner = 16;

class ParkedTtsSockets final : public asio::execution_context::service {
 public:
  static asio::execution_context::id id;

  explicit ParkedTtsSockets(asio::execution_context& context) : service(context) {}

  void park(const asio::any_io_executor& loop, const std::shared_ptr<const void>& owner,
            std::shared_ptr<net::WebSocket> socket, std::chrono::milliseconds ttl) {
    forget_orphans();
    if (count(owner) >= kMaxParkedPerOwner) {
      const auto oldest = std::find_if(entries_.begin(), entries_.end(), [&owner](const Entry& e) {
        return e.owner.lock() == owner;
      });
      oldest->socket->close(1000, "");
      entries_.erase(oldest);
    }
    auto timer = std::make_shared<asio::steady_timer>(loop, ttl);
    timer->async_wait([this, timer, raw = socket.get()](const boost::system::error_code& error) {
      if (error) return;
      const auto found = std::find_if(entries_.begin(), entries_.end(),
                                      [raw](const Entry& e) { return e.socket.get() == raw; });
      if (found == entries_.end()) return;
      found->socket->close(1000, "");
      entries_.erase(found);
    });
    entries_.push_back(Entry{owner, std::move(socket), std::move(timer)});
  }

  std::shared_ptr<net::WebSocket> take(const std::shared_ptr<const void>& owner) {
    forget_orphans();
    for (auto it = entries_.begin(); it != entries_.end();) {
      if (it->owner.lock() != owner) {
        ++it;
        continue;
      }
      auto socket = std::move(it->socket);
      it->timer->cancel();
      it = entries_.erase(it);
      if (socket->is_open()) return socket;
    }
    return nullptr;
  }

 private:
  struct Entry {
    std::weak_ptr<const void> owner;
    std::shared_ptr<net::WebSocket> socket;
    std::shared_ptr<asio::steady_timer> timer;
  };

  // The loop is shutting down: its sockets must close while it still exists.
  void shutdown() override {
    for (auto& entry : entries_) entry.timer->cancel();
    entries_.clear();
  }

  std::size_t count(const std::shared_ptr<const void>& owner) const {
    return static_cast<std::size_t>(std::count_if(
        entries_.begin(), entries_.end(), [&owner](const Entry& e) { return e.owner.lock() == owner; }));
  }

  void forget_orphans() {
    std::erase_if(entries_, [](const Entry& entry) {
      if (!entry.owner.expired()) return false;
      entry.timer->cancel();
      entry.socket->close(1000, "");
      return true;
    });
  }

  std::vector<Entry> entries_;
};

asio::execution_context::id ParkedTtsSockets::id;

ParkedTtsSockets& parked_on(const asio::any_io_executor& loop) {
  auto& context = asio::query(loop, asio::execution::context);
  return asio::use_service<ParkedTtsSockets>(context);
}

}  // namespace

void park_tts_socket(const asio::any_io_executor& loop, const std::shared_ptr<const void>& owner,
                 std::shared_ptr<net::WebSocket> socket, std::chrono::milliseconds ttl) {
  parked_on(loop).park(loop, owner, std::move(socket), ttl);
}

std::shared_ptr<net::WebSocket> take_parked_tts_socket(const asio::any_io_executor& loop,
                                                   const std::shared_ptr<const void>& owner) {
  return parked_on(loop).take(owner);
}

}  // namespace patter::providers
