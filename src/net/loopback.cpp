#include "net/loopback.hpp"

#include <string>

#include <boost/asio/ip/address.hpp>

namespace patter::net {

bool is_loopback_host(std::string_view host) {
  if (host == "localhost") return true;
  std::string literal(host);
  if (literal.size() > 2 && literal.front() == '[' && literal.back() == ']') {
    literal = literal.substr(1, literal.size() - 2);
  }
  boost::system::error_code error;
  const auto address = boost::asio::ip::make_address(literal, error);
  return !error && address.is_loopback();
}

}  // namespace patter::net
