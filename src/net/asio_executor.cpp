#include "net/asio_executor.hpp"

#include <boost/asio/post.hpp>

namespace patter::net {

void AsioExecutor::post(std::function<void()> task) { boost::asio::post(executor_, std::move(task)); }

}  // namespace patter::net
