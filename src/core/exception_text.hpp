#pragma once

#include <exception>
#include <string>

namespace patter::core {

// what() of the exception `error` holds, or "unknown error" for one that is not a std::exception.
[[nodiscard]] std::string exception_text(const std::exception_ptr& error);

}  // namespace patter::core
