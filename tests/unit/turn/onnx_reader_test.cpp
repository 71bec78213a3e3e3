#include "turn/onnx_reader.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "turn/protobuf_wire.hpp"
#include "turn/silero_model.hpp"
#include "turn/silero_model_path.hpp"

namespace patter::turn {
namespace {

using Bytes = std::vector<std::uint8_t>;

// A tiny protobuf encoder for building test messages.
void put_varint(Bytes& out, std::uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<std::uint8_t>(value | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<std::uint8_t>(value));
}
void put_varint_field(Bytes& out, std::uint32_t number, std::uint64_t value) {
  put_varint(out, number << 3);
  put_varint(out, value);
}
void put_bytes_field(Bytes& out, std::uint32_t number, const Bytes& bytes) {
  put_varint(out, (number << 3) | 2);
  put_varint(out, bytes.size());
  out.insert(out.end(), bytes.begin(), bytes.end());
}
void put_string_field(Bytes& out, std::uint32_t number, const std::string& text) {
  put_bytes_field(out, number, Bytes(text.begin(), text.end()));
}
Bytes float_bytes(std::initializer_list<float> values) {
  Bytes out(values.size() * 4);
  std::memcpy(out.data(), values.begin(), out.size());
  return out;
}

// TensorProto: dims=1, data_type=2, float_data=4, int64_data=7, name=8, raw_data=9.
Bytes raw_float_tensor(const std::string& name, std::int64_t size, const Bytes& raw) {
  Bytes tensor;
  put_varint_field(tensor, 1, static_cast<std::uint64_t>(size));
  put_varint_field(tensor, 2, 1);
  put_string_field(tensor, 8, name);
  put_bytes_field(tensor, 9, raw);
  return tensor;
}

// A graph with one initializer and an If node whose then_branch holds a Constant node.
Bytes small_model() {
  Bytes initializer;
  Bytes packed_dims;
  put_varint(packed_dims, 3);
  put_bytes_field(initializer, 1, packed_dims);
  put_varint_field(initializer, 2, 1);
  put_bytes_field(initializer, 4, float_bytes({1.5F, -2.0F, 3.25F}));
  put_string_field(initializer, 8, "weights");

  Bytes constant_attribute;  // AttributeProto: name=1, t=5, type=20
  put_string_field(constant_attribute, 1, "value");
  put_bytes_field(constant_attribute, 5, raw_float_tensor("", 2, float_bytes({0.5F, 0.25F})));
  put_varint_field(constant_attribute, 20, 4);
  Bytes constant;  // NodeProto: output=2, op_type=4, attribute=5
  put_string_field(constant, 2, "inner_value");
  put_string_field(constant, 4, "Constant");
  put_bytes_field(constant, 5, constant_attribute);
  Bytes subgraph;
  put_bytes_field(subgraph, 1, constant);

  Bytes branch_attribute;  // g=6, type=20
  put_string_field(branch_attribute, 1, "then_branch");
  put_bytes_field(branch_attribute, 6, subgraph);
  put_varint_field(branch_attribute, 20, 5);
  Bytes if_node;  // input=1, name=3
  put_string_field(if_node, 1, "condition");
  put_string_field(if_node, 3, "switch");
  put_string_field(if_node, 4, "If");
  put_bytes_field(if_node, 5, branch_attribute);

  Bytes graph;  // node=1, name=2, initializer=5
  put_bytes_field(graph, 1, if_node);
  put_string_field(graph, 2, "main");
  put_bytes_field(graph, 5, initializer);
  Bytes model;  // ir_version=1, producer_name=2, graph=7
  put_varint_field(model, 1, 8);
  put_string_field(model, 2, "test");
  put_bytes_field(model, 7, graph);
  return model;
}

TEST(ProtobufWireTest, ReadsEveryWireType) {
  Bytes message;
  put_varint_field(message, 1, 300);
  put_varint(message, (2 << 3) | 5);
  const Bytes fixed32 = float_bytes({2.5F});
  message.insert(message.end(), fixed32.begin(), fixed32.end());
  put_varint(message, (3 << 3) | 1);
  for (int i = 0; i < 8; ++i) message.push_back(i == 0 ? 7 : 0);
  put_string_field(message, 4, "hi");

  protobuf::WireReader reader(message);
  protobuf::Field field;
  ASSERT_TRUE(reader.next(field));
  EXPECT_EQ(field.number, 1U);
  EXPECT_EQ(field.value, 300U);
  ASSERT_TRUE(reader.next(field));
  std::vector<float> floats;
  protobuf::append_floats(field, floats);
  EXPECT_EQ(floats, std::vector<float>{2.5F});
  ASSERT_TRUE(reader.next(field));
  EXPECT_EQ(field.type, protobuf::WireType::fixed64);
  EXPECT_EQ(field.value, 7U);
  ASSERT_TRUE(reader.next(field));
  EXPECT_EQ(field.text(), "hi");
  EXPECT_FALSE(reader.next(field));
}

TEST(ProtobufWireTest, DecodesPackedAndUnpackedRepeatedInts) {
  Bytes packed;
  put_varint(packed, 1);
  put_varint(packed, 300);
  put_varint(packed, static_cast<std::uint64_t>(-2));
  Bytes message;
  put_bytes_field(message, 1, packed);
  put_varint_field(message, 1, 9);
  protobuf::WireReader reader(message);
  protobuf::Field field;
  std::vector<std::int64_t> values;
  while (reader.next(field)) protobuf::append_int64s(field, values);
  EXPECT_EQ(values, (std::vector<std::int64_t>{1, 300, -2, 9}));
}

TEST(ProtobufWireTest, RejectsMalformedInput) {
  const auto fails = [](const Bytes& message) {
    protobuf::WireReader reader(message);
    protobuf::Field field;
    EXPECT_THROW(while (reader.next(field)){}, protobuf::WireFormatError);
  };
  fails({0x08});                  // varint field without its value
  fails({0x08, 0xFF, 0xFF});      // truncated varint
  fails({0x12, 0x05, 'a', 'b'});  // length past the end
  fails({0x0B});                  // group start (wire type 3) is unsupported
  fails({0x15, 0x00, 0x00});      // truncated fixed32
  fails(Bytes(11, 0xFF));         // varint longer than 10 bytes
  fails({0x00, 0x00});            // field number 0
}

TEST(OnnxReaderTest, ParsesGraphsNodesInitializersAndNestedConstants) {
  const onnx::Model model = onnx::parse_model(small_model());
  EXPECT_EQ(model.ir_version, 8);
  EXPECT_EQ(model.producer_name, "test");
  EXPECT_EQ(model.graph.name, "main");
  ASSERT_EQ(model.graph.initializers.size(), 1U);
  const onnx::Tensor& weights = model.graph.initializers[0];
  EXPECT_EQ(weights.name, "weights");
  EXPECT_EQ(weights.dims, std::vector<std::int64_t>{3});
  EXPECT_EQ(weights.floats, (std::vector<float>{1.5F, -2.0F, 3.25F}));

  ASSERT_EQ(model.graph.nodes.size(), 1U);
  const onnx::Node& node = model.graph.nodes[0];
  EXPECT_EQ(node.op_type, "If");
  EXPECT_EQ(node.inputs, std::vector<std::string>{"condition"});
  const onnx::Attribute* branch = node.attribute("then_branch");
  ASSERT_NE(branch, nullptr);
  EXPECT_EQ(node.attribute("else_branch"), nullptr);
  ASSERT_EQ(branch->graphs.size(), 1U);
  const onnx::Node& constant = branch->graphs[0]->nodes.at(0);
  EXPECT_EQ(constant.outputs, std::vector<std::string>{"inner_value"});
  const onnx::Attribute* value = constant.attribute("value");
  ASSERT_NE(value, nullptr);
  ASSERT_EQ(value->tensors.size(), 1U);
  EXPECT_EQ(value->tensors[0].floats, (std::vector<float>{0.5F, 0.25F}));
}

TEST(OnnxReaderTest, RejectsRawDataThatDoesNotMatchTheShape) {
  Bytes graph;
  put_bytes_field(graph, 5, raw_float_tensor("w", 3, float_bytes({1.0F, 2.0F})));
  Bytes model;
  put_bytes_field(model, 7, graph);
  EXPECT_THROW(onnx::parse_model(model), onnx::ModelFormatError);
}

TEST(OnnxReaderTest, RejectsEmptyInputAndEveryTruncationOfAValidModel) {
  EXPECT_THROW(onnx::parse_model({}), onnx::ModelFormatError);
  const Bytes model = small_model();
  for (std::size_t length = 1; length < model.size(); ++length) {
    const Bytes truncated(model.begin(), model.begin() + static_cast<std::ptrdiff_t>(length));
    EXPECT_THROW(onnx::parse_model(truncated), onnx::ModelFormatError) << "length " << length;
  }
}

TEST(OnnxReaderTest, BoundsSubgraphNesting) {
  Bytes graph;
  for (int depth = 0; depth < 40; ++depth) {
    Bytes attribute;
    put_bytes_field(attribute, 6, graph);
    Bytes node;
    put_bytes_field(node, 5, attribute);
    graph.clear();
    put_bytes_field(graph, 1, node);
  }
  Bytes model;
  put_bytes_field(model, 7, graph);
  EXPECT_THROW(onnx::parse_model(model), onnx::ModelFormatError);
}

TEST(OnnxReaderTest, MissingFileIsAClearError) {
  try {
    onnx::read_model_file("/nonexistent/model.onnx");
    FAIL() << "expected an exception";
  } catch (const onnx::ModelFormatError& error) {
    EXPECT_NE(std::string(error.what()).find("/nonexistent/model.onnx"), std::string::npos);
  }
}

TEST(SileroModelLoadTest, ValidOnnxThatIsNotSileroIsRejected) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("patter_turn_" + std::to_string(::getpid()) + "_other.onnx");
  const Bytes model = small_model();
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(model.data()),
             static_cast<std::streamsize>(model.size()));
  try {
    SileroModel::load(path);
    ADD_FAILURE() << "expected an exception";
  } catch (const ModelError& error) {
    EXPECT_NE(std::string(error.what()).find("not a Silero VAD v5 model"), std::string::npos)
        << error.what();
  }
  std::filesystem::remove(path);
}

TEST(SileroModelLoadTest, TruncatedModelFileIsAClearErrorNeverACrash) {
  const SileroModelLocation location = locate_silero_model();
  ASSERT_TRUE(location.found) << location.problem;
  std::ifstream file(location.path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  const auto path = std::filesystem::temp_directory_path() /
                    ("patter_turn_" + std::to_string(::getpid()) + "_truncated.onnx");
  for (const std::size_t length : {std::size_t{0}, std::size_t{5}, std::size_t{1000},
                                   bytes.size() / 3, bytes.size() / 2, bytes.size() - 1}) {
    std::ofstream(path, std::ios::binary | std::ios::trunc)
        .write(bytes.data(), static_cast<std::streamsize>(length));
    EXPECT_THROW(SileroModel::load(path), ModelError) << "length " << length;
  }
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace patter::turn
