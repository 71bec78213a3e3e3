#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace patter::audio {

// Output spans are sized by the caller; a short one is a programming error, reported
// instead of writing past its end.
inline void require_room(std::size_t needed, std::size_t available, const char* what) {
  if (available < needed) {
    throw std::length_error(std::string(what) + ": output holds " + std::to_string(available) +
                            " elements, " + std::to_string(needed) + " needed");
  }
}

}  // namespace patter::audio
