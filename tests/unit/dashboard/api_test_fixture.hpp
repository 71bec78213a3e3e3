#pragma once

// A running HttpServer on 127.0.0.1 with the dashboard routes over a store in a temp dir, and
// an HttpClient on the test's own event loop; every client run is bounded.

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "dashboard/api_routes.hpp"
#include "fakes/run_coroutine.hpp"
#include "net/http_client.hpp"
#include "net/http_server.hpp"
#include "net/io_pool.hpp"
#include "store_test_support.hpp"

namespace patter::dashboard::testing {

class DashboardApiTest : public ::testing::Test {
 protected:
  void start(DashboardApiOptions options = {}, net::ServerOptions server_options = {}) {
    store_ = std::make_unique<CallStore>(options_for(dir_), events_.store_hook());
    add_dashboard_routes(router_, *store_, events_, std::move(options));
    pool_.start();
    server_options.host = "127.0.0.1";
    server_options.port = 0;
    server_ = std::make_unique<net::HttpServer>(pool_, router_, std::move(server_options));
    server_->start();
  }

  void TearDown() override {
    events_.close();
    if (server_) server_->stop(std::chrono::seconds(1));
    pool_.stop();
    pool_.join();
  }

  [[nodiscard]] std::string url(const std::string& target) const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + target;
  }

  net::HttpClientResponse send(net::HttpClientRequest request) {
    return run(client_.request(std::move(request)));
  }

  net::HttpClientResponse get(const std::string& target, net::HeaderList headers = {}) {
    net::HttpClientRequest request;
    request.url = url(target);
    request.headers = std::move(headers);
    return send(std::move(request));
  }

  net::HttpClientResponse send_json(std::string method, const std::string& target, std::string body) {
    return send(net::json_request(std::move(method), url(target), std::move(body)));
  }

  template <typename T>
  T run(boost::asio::awaitable<T> work, std::chrono::milliseconds limit = std::chrono::seconds(20)) {
    return fakes::run_coroutine(io_, std::move(work), limit);
  }

  // Polls on the client loop until `condition` holds; false after `limit`.
  boost::asio::awaitable<bool> eventually(std::function<bool()> condition,
                                          std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    boost::asio::steady_timer timer(io_);
    while (!condition()) {
      if (std::chrono::steady_clock::now() >= deadline) co_return false;
      timer.expires_after(std::chrono::milliseconds(5));
      co_await timer.async_wait(boost::asio::use_awaitable);
    }
    co_return true;
  }

  // Three ended calls a minute apart, c1 oldest: costs 0.10/0.20/0.30, latency 400/500/600 ms.
  void seed_calls() {
    record_finished_call(*store_, "c1", kT0, 60.0, 0.10, 400.0);
    record_finished_call(*store_, "c2", kT0 + 60'000, 120.0, 0.20, 500.0);
    record_finished_call(*store_, "c3", kT0 + 120'000, 180.0, 0.30, 600.0);
    store_->flush();
  }

  static boost::json::value body_json(const net::HttpClientResponse& response) {
    return boost::json::parse(response.body);
  }

  TempDir dir_;
  DashboardEvents events_;
  std::unique_ptr<CallStore> store_;
  net::Router router_;
  net::IoPool pool_{2};
  std::unique_ptr<net::HttpServer> server_;
  boost::asio::io_context io_;
  net::HttpClient client_{io_.get_executor()};
};

}  // namespace patter::dashboard::testing
