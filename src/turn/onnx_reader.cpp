#include "turn/onnx_reader.hpp"

#include <cstring>
#include <fstream>
#include <limits>

#include "turn/protobuf_wire.hpp"

namespace patter::turn::onnx {
namespace {

using protobuf::Field;
using protobuf::WireReader;
using protobuf::WireType;

// Subgraphs nest inside node attributes; a bound keeps a hostile file from exhausting the stack.
constexpr int kMaxGraphDepth = 16;

// Field numbers from onnx.proto3.
namespace model_field {
constexpr std::uint32_t ir_version = 1, producer_name = 2, graph = 7;
}
namespace graph_field {
constexpr std::uint32_t node = 1, name = 2, initializer = 5, input = 11, output = 12;
}
namespace node_field {
constexpr std::uint32_t input = 1, output = 2, name = 3, op_type = 4, attribute = 5;
}
namespace attribute_field {
constexpr std::uint32_t name = 1, f = 2, i = 3, s = 4, t = 5, g = 6, floats = 7, ints = 8,
                        tensors = 10, graphs = 11, type = 20;
}
namespace tensor_field {
constexpr std::uint32_t dims = 1, data_type = 2, float_data = 4, int32_data = 5, int64_data = 7,
                        name = 8, raw_data = 9, external_data = 13;
}
namespace value_info_field {
constexpr std::uint32_t name = 1;
}

void expect(const Field& field, WireType type, const char* what) {
  if (field.type != type) throw ModelFormatError(std::string("ONNX field of wrong type: ") + what);
}

std::string read_string(const Field& field, const char* what) {
  expect(field, WireType::length_delimited, what);
  return std::string(field.text());
}

template <typename T>
void copy_raw_elements(std::span<const std::uint8_t> raw, std::int64_t count, std::vector<T>& out) {
  if (raw.size() != static_cast<std::size_t>(count) * sizeof(T)) {
    throw ModelFormatError("ONNX tensor raw_data size does not match its shape");
  }
  out.resize(static_cast<std::size_t>(count));
  std::memcpy(out.data(), raw.data(), raw.size());
}

Tensor parse_tensor(std::span<const std::uint8_t> bytes) {
  Tensor tensor;
  std::span<const std::uint8_t> raw;
  bool has_raw = false;
  WireReader reader(bytes);
  Field field;
  while (reader.next(field)) {
    switch (field.number) {
      case tensor_field::dims:
        protobuf::append_int64s(field, tensor.dims);
        break;
      case tensor_field::data_type:
        expect(field, WireType::varint, "TensorProto.data_type");
        tensor.data_type = static_cast<std::int32_t>(field.value);
        break;
      case tensor_field::float_data:
        protobuf::append_floats(field, tensor.floats);
        break;
      case tensor_field::int32_data:
      case tensor_field::int64_data:
        protobuf::append_int64s(field, tensor.ints);
        break;
      case tensor_field::name:
        tensor.name = read_string(field, "TensorProto.name");
        break;
      case tensor_field::raw_data:
        expect(field, WireType::length_delimited, "TensorProto.raw_data");
        raw = field.bytes;
        has_raw = true;
        break;
      case tensor_field::external_data:
        throw ModelFormatError("ONNX tensor '" + tensor.name +
                               "' uses external data (unsupported)");
      default:
        break;
    }
  }
  for (const std::int64_t dim : tensor.dims) {
    if (dim < 0 || dim > (std::int64_t{1} << 31)) {
      throw ModelFormatError("ONNX tensor '" + tensor.name + "' has an invalid dimension");
    }
  }
  const std::int64_t count = tensor.element_count();
  const auto type = static_cast<DataType>(tensor.data_type);
  if (has_raw) {
    if (type == DataType::float32) {
      copy_raw_elements(raw, count, tensor.floats);
    } else if (type == DataType::int64) {
      copy_raw_elements(raw, count, tensor.ints);
    } else if (type == DataType::int32) {
      std::vector<std::int32_t> narrow;
      copy_raw_elements(raw, count, narrow);
      tensor.ints.assign(narrow.begin(), narrow.end());
    }
  }
  const bool typed =
      type == DataType::float32 || type == DataType::int32 || type == DataType::int64;
  const std::size_t stored = type == DataType::float32 ? tensor.floats.size() : tensor.ints.size();
  if (typed && stored != static_cast<std::size_t>(count)) {
    throw ModelFormatError("ONNX tensor '" + tensor.name + "' holds " + std::to_string(stored) +
                           " values but its shape needs " + std::to_string(count));
  }
  return tensor;
}

Graph parse_graph(std::span<const std::uint8_t> bytes, int depth);

Attribute parse_attribute(std::span<const std::uint8_t> bytes, int depth) {
  Attribute attribute;
  WireReader reader(bytes);
  Field field;
  while (reader.next(field)) {
    switch (field.number) {
      case attribute_field::name:
        attribute.name = read_string(field, "AttributeProto.name");
        break;
      case attribute_field::type:
        expect(field, WireType::varint, "AttributeProto.type");
        attribute.type = static_cast<std::int32_t>(field.value);
        break;
      case attribute_field::f: {
        std::vector<float> one;
        protobuf::append_floats(field, one);
        attribute.f = one.empty() ? 0.0F : one.front();
        break;
      }
      case attribute_field::i:
        expect(field, WireType::varint, "AttributeProto.i");
        attribute.i = field.as_int64();
        break;
      case attribute_field::s:
        attribute.s = read_string(field, "AttributeProto.s");
        break;
      case attribute_field::floats:
        protobuf::append_floats(field, attribute.floats);
        break;
      case attribute_field::ints:
        protobuf::append_int64s(field, attribute.ints);
        break;
      case attribute_field::t:
      case attribute_field::tensors:
        expect(field, WireType::length_delimited, "AttributeProto.t");
        attribute.tensors.push_back(parse_tensor(field.bytes));
        break;
      case attribute_field::g:
      case attribute_field::graphs:
        expect(field, WireType::length_delimited, "AttributeProto.g");
        attribute.graphs.push_back(
            std::make_shared<const Graph>(parse_graph(field.bytes, depth + 1)));
        break;
      default:
        break;
    }
  }
  return attribute;
}

Node parse_node(std::span<const std::uint8_t> bytes, int depth) {
  Node node;
  WireReader reader(bytes);
  Field field;
  while (reader.next(field)) {
    switch (field.number) {
      case node_field::input:
        node.inputs.push_back(read_string(field, "NodeProto.input"));
        break;
      case node_field::output:
        node.outputs.push_back(read_string(field, "NodeProto.output"));
        break;
      case node_field::name:
        node.name = read_string(field, "NodeProto.name");
        break;
      case node_field::op_type:
        node.op_type = read_string(field, "NodeProto.op_type");
        break;
      case node_field::attribute:
        expect(field, WireType::length_delimited, "NodeProto.attribute");
        node.attributes.push_back(parse_attribute(field.bytes, depth));
        break;
      default:
        break;
    }
  }
  return node;
}

std::string parse_value_info_name(const Field& field) {
  expect(field, WireType::length_delimited, "ValueInfoProto");
  WireReader reader(field.bytes);
  Field inner;
  while (reader.next(inner)) {
    if (inner.number == value_info_field::name) return read_string(inner, "ValueInfoProto.name");
  }
  return {};
}

Graph parse_graph(std::span<const std::uint8_t> bytes, int depth) {
  if (depth > kMaxGraphDepth) throw ModelFormatError("ONNX subgraphs nested too deeply");
  Graph graph;
  WireReader reader(bytes);
  Field field;
  while (reader.next(field)) {
    switch (field.number) {
      case graph_field::node:
        expect(field, WireType::length_delimited, "GraphProto.node");
        graph.nodes.push_back(parse_node(field.bytes, depth));
        break;
      case graph_field::name:
        graph.name = read_string(field, "GraphProto.name");
        break;
      case graph_field::initializer:
        expect(field, WireType::length_delimited, "GraphProto.initializer");
        graph.initializers.push_back(parse_tensor(field.bytes));
        break;
      case graph_field::input:
        graph.inputs.push_back(parse_value_info_name(field));
        break;
      case graph_field::output:
        graph.outputs.push_back(parse_value_info_name(field));
        break;
      default:
        break;
    }
  }
  return graph;
}

}  // namespace

std::int64_t Tensor::element_count() const {
  std::int64_t count = 1;
  for (const std::int64_t dim : dims) {
    if (dim != 0 && count > std::numeric_limits<std::int32_t>::max() / dim) {
      throw ModelFormatError("ONNX tensor '" + name + "' is too large");
    }
    count *= dim;
  }
  return count;
}

const Attribute* Node::attribute(std::string_view attribute_name) const {
  for (const Attribute& candidate : attributes) {
    if (candidate.name == attribute_name) return &candidate;
  }
  return nullptr;
}

Model parse_model(std::span<const std::uint8_t> bytes) {
  Model model;
  bool has_graph = false;
  try {
    WireReader reader(bytes);
    Field field;
    while (reader.next(field)) {
      switch (field.number) {
        case model_field::ir_version:
          expect(field, WireType::varint, "ModelProto.ir_version");
          model.ir_version = field.as_int64();
          break;
        case model_field::producer_name:
          model.producer_name = read_string(field, "ModelProto.producer_name");
          break;
        case model_field::graph:
          expect(field, WireType::length_delimited, "ModelProto.graph");
          model.graph = parse_graph(field.bytes, 0);
          has_graph = true;
          break;
        default:
          break;
      }
    }
  } catch (const protobuf::WireFormatError& error) {
    throw ModelFormatError(std::string("malformed ONNX model: ") + error.what());
  }
  if (!has_graph) throw ModelFormatError("ONNX model has no graph");
  return model;
}

Model read_model_file(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw ModelFormatError("cannot open model file " + path.string());
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(file)),
                                  std::istreambuf_iterator<char>());
  if (file.bad()) throw ModelFormatError("cannot read model file " + path.string());
  try {
    return parse_model(bytes);
  } catch (const ModelFormatError& error) {
    throw ModelFormatError(path.string() + ": " + error.what());
  }
}

}  // namespace patter::turn::onnx
