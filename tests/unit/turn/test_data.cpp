#include "test_data.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

namespace patter::turn::testing {
namespace {

std::uint32_t read_u32(const std::vector<char>& bytes, std::size_t offset) {
  std::uint32_t value = 0;
  std::memcpy(&value, bytes.data() + offset, 4);
  return value;
}

std::uint16_t read_u16(const std::vector<char>& bytes, std::size_t offset) {
  std::uint16_t value = 0;
  std::memcpy(&value, bytes.data() + offset, 2);
  return value;
}

}  // namespace

std::filesystem::path vad_data_dir() {
  return std::filesystem::path(PATTER_TEST_DATA_DIR) / "vad";
}

Clip read_wav(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  const std::vector<char> bytes((std::istreambuf_iterator<char>(file)),
                                std::istreambuf_iterator<char>());
  Clip clip;
  if (bytes.size() < 12 || std::memcmp(bytes.data(), "RIFF", 4) != 0 ||
      std::memcmp(bytes.data() + 8, "WAVE", 4) != 0) {
    ADD_FAILURE() << path << " is not a WAV file";
    return clip;
  }
  for (std::size_t offset = 12; offset + 8 <= bytes.size();) {
    const std::uint32_t size = read_u32(bytes, offset + 4);
    const std::size_t body = offset + 8;
    if (body + size > bytes.size()) break;
    if (std::memcmp(bytes.data() + offset, "fmt ", 4) == 0) {
      if (read_u16(bytes, body) != 1 || read_u16(bytes, body + 2) != 1 ||
          read_u16(bytes, body + 14) != 16) {
        ADD_FAILURE() << path << " is not mono PCM16";
        return clip;
      }
      clip.sample_rate = static_cast<int>(read_u32(bytes, body + 4));
    } else if (std::memcmp(bytes.data() + offset, "data", 4) == 0) {
      clip.samples.resize(size / 2);
      std::memcpy(clip.samples.data(), bytes.data() + body, clip.samples.size() * 2);
      return clip;
    }
    offset = body + size + (size % 2);
  }
  ADD_FAILURE() << path << " has no data chunk";
  return clip;
}

std::vector<float> read_reference_probabilities(const std::filesystem::path& path) {
  std::ifstream file(path);
  std::vector<float> probabilities;
  std::string line;
  if (!std::getline(file, line) || line != "window,probability") {
    ADD_FAILURE() << path << " is not a reference probability file";
    return probabilities;
  }
  while (std::getline(file, line)) {
    const auto comma = line.find(',');
    if (comma == std::string::npos) continue;
    probabilities.push_back(std::stof(line.substr(comma + 1)));
  }
  return probabilities;
}

}  // namespace patter::turn::testing
