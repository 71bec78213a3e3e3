#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <patter/executor.hpp>

namespace patter::net {

// A call's executor backed by one of the IoPool's event loops.
class AsioExecutor final : public Executor {
 public:
  explicit AsioExecutor(boost::asio::any_io_executor executor) : executor_(std::move(executor)) {}
  void post(std::function<void()> task) override;
  [[nodiscard]] const boost::asio::any_io_executor& executor() const { return executor_; }

 private:
  boost::asio::any_io_executor executor_;
};

}  // namespace patter::net
