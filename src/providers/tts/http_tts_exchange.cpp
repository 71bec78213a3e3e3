#include "providers/tts/http_tts_exchange.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <optional>
#include <utility>

#include "providers/tts/tts_exchange.hpp"

namespace patter::providers {

namespace asio = boost::asio;

namespace {

constexpr std::size_t kMaxErrorBody = std::size_t{64} * 1024;

class HttpTtsExchange final : public TtsExchange {
 public:
  HttpTtsExchange(asio::any_io_executor loop, std::shared_ptr<Executor> relay,
                  std::shared_ptr<net::HttpClient> client,
                  std::shared_ptr<const ElevenLabsConfig> config, net::HttpClientRequest request,
                  TtsEvents events)
      : TtsExchange(std::move(loop), std::move(relay), std::move(events), std::move(config)),
        client_(std::move(client)),
        request_(std::move(request)) {}

 private:
  asio::awaitable<std::optional<TtsFailure>> attempt() override {
    expect(Deadline::first_audio);
    auto pending = client_->stream(request_);
    request_written();
    auto response = co_await std::move(pending);
    const ResponseInUse in_use(*this, response);
    if (response.status() < 200 || response.status() >= 300) {
      std::string body;
      try {
        auto rest = response.read_all(kMaxErrorBody);
        body = co_await std::move(rest);
      } catch (const std::exception& error) {
        spdlog::debug("elevenlabs: could not read an error response: {}", error.what());
      }
      disarm();
      co_return failure_from_status(config(), response.status(), response.headers(), body,
                                    std::chrono::system_clock::now());
    }
    for (;;) {
      auto next = response.next_chunk();
      const auto bytes = co_await std::move(next);
      if (!bytes || stopped()) break;
      audio({reinterpret_cast<const std::uint8_t*>(bytes->data()), bytes->size()});
    }
    // Ended by a deadline (run() names it), by cancel(), or at the end of the body.
    if (response.cancelled()) co_return std::nullopt;
    done();
    co_return std::nullopt;
  }

  void abort_transport() override {
    if (response_ != nullptr) response_->cancel();
  }

  // Points the exchange at the attempt's response while it is read.
  class ResponseInUse {
   public:
    ResponseInUse(HttpTtsExchange& exchange, net::HttpResponseStream& response)
        : exchange_(exchange) {
      exchange_.response_ = &response;
    }
    ~ResponseInUse() { exchange_.response_ = nullptr; }
    ResponseInUse(const ResponseInUse&) = delete;
    ResponseInUse& operator=(const ResponseInUse&) = delete;

   private:
    HttpTtsExchange& exchange_;
  };

  std::shared_ptr<net::HttpClient> client_;
  net::HttpClientRequest request_;
  net::HttpResponseStream* response_ = nullptr;
};

}  // namespace

std::unique_ptr<TtsStream> start_http_tts(asio::any_io_executor loop,
                                          std::shared_ptr<Executor> relay,
                                          std::shared_ptr<net::HttpClient> client,
                                          std::shared_ptr<const ElevenLabsConfig> config,
                                          net::HttpClientRequest request, TtsEvents events) {
  auto exchange = std::make_shared<HttpTtsExchange>(std::move(loop), std::move(relay),
                                                    std::move(client), std::move(config),
                                                    std::move(request), std::move(events));
  exchange->start();
  return make_tts_stream(std::move(exchange));
}

}  // namespace patter::providers
