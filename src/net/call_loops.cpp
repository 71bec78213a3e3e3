#include "net/call_loops.hpp"

#include <stdexcept>
#include <utility>

#include "net/asio_executor.hpp"
#include "net/io_pool.hpp"

namespace patter::net {

CallLoops::CallLoops(std::string provider) : provider_(std::move(provider)) {}

CallLoops::~CallLoops() = default;

CallLoop CallLoops::route(const StreamContext& context) {
  if (!context.executor) {
    throw std::invalid_argument(provider_ + ": the stream context has no executor");
  }
  if (const auto* loop = dynamic_cast<const AsioExecutor*>(context.executor.get())) {
    return CallLoop{loop->executor(), nullptr};
  }
  const std::lock_guard lock(mutex_);
  if (!own_loop_) {
    own_loop_ = std::make_unique<IoPool>(1);
    own_loop_->start();
  }
  return CallLoop{own_loop_->executor(0), context.executor};
}

}  // namespace patter::net
