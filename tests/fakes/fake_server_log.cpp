#include "fakes/fake_server_log.hpp"

#include <algorithm>
#include <cctype>

namespace patter::fakes {

namespace {
bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}
}  // namespace

std::optional<std::string> find_header(const FakeHeaders& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (same_name(key, name)) return value;
  }
  return std::nullopt;
}

FakeHeaders sse_headers() {
  return {{"Content-Type", "text/event-stream"}, {"Cache-Control", "no-cache"}};
}

std::optional<std::string> FakeRequest::header(std::string_view name) const {
  return find_header(headers, name);
}

std::optional<std::string> FakeRequest::query_param(std::string_view name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::vector<FakeRequest> FakeServerLog::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::vector<FakeWsMessage> FakeServerLog::websocket_messages() const {
  std::lock_guard lock(mutex_);
  return websocket_messages_;
}

std::size_t FakeServerLog::connections_accepted() const {
  std::lock_guard lock(mutex_);
  return connections_;
}

std::vector<std::string> FakeServerLog::tls_server_names() const {
  std::lock_guard lock(mutex_);
  return tls_server_names_;
}

std::vector<std::string> FakeServerLog::errors() const {
  std::lock_guard lock(mutex_);
  return errors_;
}

bool FakeServerLog::wait_for_requests(std::size_t count, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return requests_.size() >= count; });
}

bool FakeServerLog::wait_for_websocket_messages(std::size_t count,
                                                std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return websocket_messages_.size() >= count; });
}

void FakeServerLog::record_connection() {
  std::lock_guard lock(mutex_);
  ++connections_;
}

void FakeServerLog::record_request(FakeRequest request) {
  {
    std::lock_guard lock(mutex_);
    requests_.push_back(std::move(request));
  }
  changed_.notify_all();
}

void FakeServerLog::record_websocket_message(FakeWsMessage message) {
  {
    std::lock_guard lock(mutex_);
    websocket_messages_.push_back(std::move(message));
  }
  changed_.notify_all();
}

void FakeServerLog::record_tls_server_name(std::string name) {
  std::lock_guard lock(mutex_);
  tls_server_names_.push_back(std::move(name));
}

void FakeServerLog::record_error(std::string error) {
  std::lock_guard lock(mutex_);
  errors_.push_back(std::move(error));
}

}  // namespace patter::fakes
