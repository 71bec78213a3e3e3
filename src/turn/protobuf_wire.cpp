#include "turn/protobuf_wire.hpp"

#include <bit>
#include <cstring>

namespace patter::turn::protobuf {

static_assert(std::endian::native == std::endian::little,
              "protobuf fixed-width fields are little-endian; big-endian hosts need byte swaps");

bool WireReader::next(Field& field) {
  if (position_ >= data_.size()) return false;
  const std::uint64_t key = read_varint();
  const std::uint64_t number = key >> 3;
  if (number == 0 || number > 0x1FFFFFFF) throw WireFormatError("invalid protobuf field number");
  field.number = static_cast<std::uint32_t>(number);
  field.value = 0;
  field.bytes = {};
  switch (key & 7) {
    case 0:
      field.type = WireType::varint;
      field.value = read_varint();
      break;
    case 1: {
      field.type = WireType::fixed64;
      std::memcpy(&field.value, take(8).data(), 8);
      break;
    }
    case 2:
      field.type = WireType::length_delimited;
      field.bytes = take(read_varint());
      break;
    case 5: {
      field.type = WireType::fixed32;
      std::uint32_t word = 0;
      std::memcpy(&word, take(4).data(), 4);
      field.value = word;
      break;
    }
    default:
      throw WireFormatError("unsupported protobuf wire type " + std::to_string(key & 7));
  }
  return true;
}

std::uint64_t WireReader::read_varint() {
  std::uint64_t result = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (position_ >= data_.size()) throw WireFormatError("truncated protobuf varint");
    const std::uint8_t byte = data_[position_++];
    result |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) return result;
  }
  throw WireFormatError("protobuf varint longer than 10 bytes");
}

std::span<const std::uint8_t> WireReader::take(std::uint64_t count) {
  if (count > data_.size() - position_) throw WireFormatError("truncated protobuf field");
  const auto taken = data_.subspan(position_, static_cast<std::size_t>(count));
  position_ += static_cast<std::size_t>(count);
  return taken;
}

void append_int64s(const Field& field, std::vector<std::int64_t>& out) {
  if (field.type == WireType::varint) {
    out.push_back(field.as_int64());
    return;
  }
  if (field.type != WireType::length_delimited) throw WireFormatError("int64 field of wrong type");
  // Packed varints carry no keys, so decode them as a run of bare varints.
  std::uint64_t value = 0;
  int shift = 0;
  for (const std::uint8_t byte : field.bytes) {
    if (shift >= 64) throw WireFormatError("protobuf varint longer than 10 bytes");
    value |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) {
      out.push_back(static_cast<std::int64_t>(value));
      value = 0;
      shift = 0;
    } else {
      shift += 7;
    }
  }
  if (shift != 0) throw WireFormatError("truncated packed protobuf varints");
}

void append_floats(const Field& field, std::vector<float>& out) {
  if (field.type == WireType::fixed32) {
    const auto word = static_cast<std::uint32_t>(field.value);
    out.push_back(std::bit_cast<float>(word));
    return;
  }
  if (field.type != WireType::length_delimited || field.bytes.size() % 4 != 0) {
    throw WireFormatError("float field of wrong type or size");
  }
  const std::size_t first = out.size();
  out.resize(first + field.bytes.size() / 4);
  std::memcpy(out.data() + first, field.bytes.data(), field.bytes.size());
}

}  // namespace patter::turn::protobuf
