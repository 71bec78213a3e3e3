#include "fakes/fake_ws_writer.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <utility>

namespace patter::fakes {

namespace asio = boost::asio;

FakeWsWriter::FakeWsWriter(FakeWebSocket& socket, const asio::any_io_executor& executor,
                           std::function<void(const Item&)> record, std::optional<IdleClose> idle)
    : socket_(socket),
      record_(std::move(record)),
      idle_(std::move(idle)),
      wake_(executor),
      done_(executor, SteadyTime::max()) {
  asio::co_spawn(executor, run(), [this](const std::exception_ptr&) {
    writing_ = false;
    done_.cancel();
  });
}

void FakeWsWriter::push(std::string text, std::chrono::milliseconds latency) {
  items_.push_back({std::chrono::steady_clock::now() + latency, std::move(text), std::nullopt});
  wake_.cancel();
}

void FakeWsWriter::close(std::uint16_t code, std::string reason,
                         std::chrono::milliseconds latency) {
  if (close_queued_) return;
  close_queued_ = true;
  items_.push_back({std::chrono::steady_clock::now() + latency, std::move(reason), code});
  wake_.cancel();
}

void FakeWsWriter::stop() {
  stopped_ = true;
  wake_.cancel();
}

asio::awaitable<void> FakeWsWriter::finish() {
  broken_ = broken_ || !close_queued_;
  stop();
  while (writing_) {
    boost::system::error_code ignored;
    co_await done_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
}

asio::awaitable<void> FakeWsWriter::run() {
  while (!(stopped_ && (items_.empty() || broken_))) {
    const auto now = std::chrono::steady_clock::now();
    if (idle_ && !close_queued_ && now >= last_activity_ + idle_->timeout) {
      close(idle_->code, idle_->reason, std::chrono::milliseconds(0));
      continue;
    }
    if (!items_.empty() && !broken_ && items_.front().due <= now) {
      auto item = std::move(items_.front());
      items_.pop_front();
      if (record_) record_(item);
      try {
        if (item.close_code) {
          co_await socket_.close(*item.close_code, item.text);
        } else {
          co_await socket_.send_text(item.text);
        }
      } catch (const std::exception&) {
        broken_ = true;
      }
      continue;
    }
    auto deadline = SteadyTime::max();
    if (!items_.empty() && !broken_) deadline = items_.front().due;
    if (idle_ && !close_queued_) deadline = std::min(deadline, last_activity_ + idle_->timeout);
    if (stopped_ && deadline == SteadyTime::max()) break;
    wake_.expires_at(deadline);
    boost::system::error_code ignored;
    co_await wake_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
}

}  // namespace patter::fakes
