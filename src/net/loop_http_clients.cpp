#include "net/loop_http_clients.hpp"

#include <algorithm>
#include <boost/asio/execution/context.hpp>
#include <boost/asio/execution_context.hpp>
#include <boost/asio/query.hpp>
#include <mutex>
#include <vector>

namespace patter::net {

namespace asio = boost::asio;

namespace {

class LoopHttpClients final : public asio::execution_context::service {
 public:
  static asio::execution_context::id id;

  explicit LoopHttpClients(asio::execution_context& context) : service(context) {}

  std::shared_ptr<HttpClient> client(const asio::any_io_executor& loop,
                                          const std::shared_ptr<const void>& owner,
                                          const HttpClientOptions& options) {
    const std::lock_guard lock(mutex_);
    std::erase_if(entries_, [](const Entry& entry) { return entry.owner.expired(); });
    const auto found = std::find_if(entries_.begin(), entries_.end(), [&owner](const Entry& entry) {
      return entry.owner.lock() == owner;
    });
    if (found != entries_.end()) return found->client;
    auto client = std::make_shared<HttpClient>(loop, options);
    entries_.push_back(Entry{owner, client});
    return client;
  }

 private:
  // The loop is shutting down: its sockets must close while it still exists.
  void shutdown() override {
    const std::lock_guard lock(mutex_);
    entries_.clear();
  }

  struct Entry {
    std::weak_ptr<const void> owner;
    std::shared_ptr<HttpClient> client;
  };
  std::mutex mutex_;
  std::vector<Entry> entries_;
};

asio::execution_context::id LoopHttpClients::id;

}  // namespace

std::shared_ptr<HttpClient> loop_http_client(const asio::any_io_executor& loop,
                                                  const std::shared_ptr<const void>& owner,
                                                  const HttpClientOptions& options) {
  auto& context = asio::query(loop, asio::execution::context);
  return asio::use_service<LoopHttpClients>(context).client(loop, owner, options);
}

}  // namespace patter::net
