#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

// A minimal reader of the protobuf wire format: enough to walk an ONNX model without libprotobuf.
namespace patter::turn::protobuf {

// Thrown for bytes that are not a well-formed message (truncated, bad varint, unknown wire type).
class WireFormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class WireType : std::uint8_t { varint = 0, fixed64 = 1, length_delimited = 2, fixed32 = 5 };

struct Field {
  std::uint32_t number = 0;
  WireType type = WireType::varint;
  std::uint64_t value = 0;              // varint, fixed32 and fixed64 fields
  std::span<const std::uint8_t> bytes;  // length-delimited fields

  [[nodiscard]] std::string_view text() const {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
  }
  [[nodiscard]] std::int64_t as_int64() const { return static_cast<std::int64_t>(value); }
};

// Iterates over the fields of one message, in file order.
class WireReader {
 public:
  explicit WireReader(std::span<const std::uint8_t> message) : data_(message) {}

  // Reads the next field; returns false at the end of the message.
  bool next(Field& field);

 private:
  std::uint64_t read_varint();
  std::span<const std::uint8_t> take(std::uint64_t count);

  std::span<const std::uint8_t> data_;
  std::size_t position_ = 0;
};

// Repeated scalars may be stored packed (one length-delimited field) or one field per element;
// these accept both encodings.
void append_int64s(const Field& field, std::vector<std::int64_t>& out);
void append_floats(const Field& field, std::vector<float>& out);

}  // namespace patter::turn::protobuf
