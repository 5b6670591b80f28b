// The PyTorch checkpoint reader against files written by Python's torch.save
// (tests/fixtures/checkpoint/make_checkpoints.py): every dtype, views, shared storages, zip64 and
// deflated containers, and the errors for broken files.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>

#include "comicgan/error.h"
#include "io/atomic_file.h"
#include "io/torch_checkpoint.h"
#include "test_paths.h"

using namespace comicgan;
namespace fs = std::filesystem;

namespace {

std::string fixture(const std::string& name) {
  return std::string(COMICGAN_FIXTURES) + "/checkpoint/" + name;
}

const at::Tensor& get(const io::NamedTensors& tensors, const std::string& name) {
  for (const auto& [key, value] : tensors)
    if (key == name) return value;
  throw std::runtime_error("no tensor " + name);
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

// What make_checkpoints.py's tensors() holds, recomputed.
void expect_fixture_tensors(const io::NamedTensors& t) {
  std::vector<std::string> names;
  for (const auto& [key, value] : t) names.push_back(key);
  EXPECT_EQ(names,
            (std::vector<std::string>{"f32", "f16", "bf16", "f64", "view", "shared_a", "shared_b",
                                      "scalar", "count", "int32", "mask", "param", "empty"}));
  EXPECT_TRUE(
      torch::equal(get(t, "f32"), torch::arange(12, torch::kFloat).reshape({3, 4}) * 0.5 - 1));
  EXPECT_EQ(get(t, "f16").scalar_type(), torch::kHalf);
  EXPECT_TRUE(torch::equal(get(t, "f16"), (torch::arange(5, torch::kFloat) / 4).to(torch::kHalf)));
  EXPECT_EQ(get(t, "bf16").scalar_type(), torch::kBFloat16);
  EXPECT_TRUE(
      torch::equal(get(t, "bf16"),
                   (torch::arange(6, torch::kFloat) * 0.25).reshape({2, 3}).to(torch::kBFloat16)));
  EXPECT_TRUE(torch::equal(get(t, "f64"), torch::arange(3, torch::kDouble) / 3));
  at::Tensor base = torch::arange(40, torch::kFloat).reshape({5, 8});
  EXPECT_TRUE(get(t, "view").is_contiguous());
  EXPECT_TRUE(torch::equal(get(t, "view"), base.slice(0, 1).slice(1, 0, 8, 2)));
  at::Tensor shared = torch::arange(10, torch::kFloat);
  EXPECT_TRUE(torch::equal(get(t, "shared_a"), shared.slice(0, 0, 4)));
  EXPECT_TRUE(torch::equal(get(t, "shared_b"), shared.slice(0, 4).view({2, 3})));
  EXPECT_NE(get(t, "shared_a").data_ptr(), get(t, "shared_b").data_ptr());
  EXPECT_EQ(get(t, "scalar").dim(), 0);
  EXPECT_EQ(get(t, "scalar").item<float>(), 3.5f);
  EXPECT_EQ(get(t, "count").scalar_type(), torch::kLong);
  EXPECT_EQ(get(t, "count").item<int64_t>(), 7);
  EXPECT_TRUE(torch::equal(get(t, "int32"), torch::arange(4, torch::kInt) - 2));
  EXPECT_TRUE(torch::equal(get(t, "mask"), torch::tensor({true, false, true})));
  EXPECT_TRUE(torch::equal(get(t, "param"), torch::arange(4, torch::kFloat)));
  EXPECT_EQ(get(t, "empty").sizes(), (std::vector<int64_t>{0, 3}));
}

}  // namespace

TEST(TorchCheckpoint, ReadsEveryDtypeViewAndSharedStorage) {
  expect_fixture_tensors(io::read_torch_checkpoint(fixture("tensors.pt")));
}

TEST(TorchCheckpoint, ReadsDeflatedEntriesUnderAnotherTopFolder) {
  expect_fixture_tensors(io::read_torch_checkpoint(fixture("deflated.pt")));
}

TEST(TorchCheckpoint, ReadsZip64Records) {
  expect_fixture_tensors(io::read_torch_checkpoint(fixture("zip64.pt")));
}

TEST(TorchCheckpoint, ReadsTheVggFeatureWeights) {
  // The original PyTorch file, in the shared/ folder beside the repository (when present).
  const std::string path = (fs::path(comicgan_test::source_dir()) / ".." / "shared" / "models" /
                            "vgg19-relu3_1" / "vgg19_relu3_1.pt")
                               .string();
  if (!fs::exists(path)) GTEST_SKIP() << path << " is absent";
  io::NamedTensors t = io::read_torch_checkpoint(path);
  ASSERT_FALSE(t.empty());
  for (const auto& [name, value] : t) {
    EXPECT_TRUE(value.is_contiguous()) << name;
    EXPECT_TRUE(torch::isfinite(value.to(torch::kFloat)).all().item<bool>()) << name;
  }
  // Names, shapes and sums as Python's torch.load reports them for this file.
  ASSERT_EQ(t.size(), 12u);
  EXPECT_EQ(t[0].first, "conv1.weight");
  EXPECT_EQ(t[0].second.sizes(), (std::vector<int64_t>{3, 3, 1, 1}));
  EXPECT_NEAR(t[0].second.sum().item<double>(), 765.0, 1e-3);
  EXPECT_EQ(t[11].first, "conv6.bias");
  EXPECT_EQ(get(t, "conv6.weight").sizes(), (std::vector<int64_t>{256, 128, 3, 3}));
  EXPECT_NEAR(get(t, "conv6.weight").to(torch::kDouble).sum().item<double>(), -118.41515, 1e-3);
}

TEST(TorchCheckpoint, TruncatedFilesAreRefusedAtEveryLength) {
  std::string bytes = io::read_file(fixture("tensors.pt"), 1 << 20);
  for (size_t n = 0; n < bytes.size(); n += 7) {
    std::string message = error_of([&] {
      io::read_torch_checkpoint_bytes(reinterpret_cast<const uint8_t*>(bytes.data()), n, "cut.pt");
    });
    EXPECT_EQ(message.rfind("cut.pt: ", 0), 0u) << n << ": " << message;
  }
  EXPECT_NE(error_of([&] {
              io::read_torch_checkpoint_bytes(reinterpret_cast<const uint8_t*>(bytes.data()),
                                              bytes.size() / 2, "cut.pt");
            }).find("truncated zip"),
            std::string::npos);
}

TEST(TorchCheckpoint, ErrorsNameTheFileAndTheProblem) {
  auto message = [](const std::string& name) {
    return error_of([&] { io::read_torch_checkpoint(fixture(name)); });
  };
  EXPECT_NE(message("bad_opcode.pt").find("unknown pickle opcode 0xff (pickle offset 2)"),
            std::string::npos)
      << message("bad_opcode.pt");
  EXPECT_NE(message("unknown_class.pt").find("unknown class os.system"), std::string::npos);
  EXPECT_NE(message("missing_storage.pt").find("missing storage tensors/data/0"), std::string::npos)
      << message("missing_storage.pt");
  EXPECT_NE(message("view_out_of_bounds.pt").find("beyond its storage"), std::string::npos);
  EXPECT_NE(message("storage_size_mismatch.pt").find("holds 16 bytes, not 5 elements"),
            std::string::npos)
      << message("storage_size_mismatch.pt");
  EXPECT_NE(message("not_a_dict.pt").find("holds a list, not a state_dict"), std::string::npos);
  EXPECT_NE(message("not_a_tensor.pt").find("entry 'step' holds a int, not a tensor"),
            std::string::npos)
      << message("not_a_tensor.pt");
  for (const char* name : {"bad_opcode.pt", "unknown_class.pt", "missing_storage.pt"})
    EXPECT_EQ(message(name).rfind(fixture(name) + ": ", 0), 0u) << message(name);
}

TEST(TorchCheckpoint, RefusesFilesThatAreNotCheckpoints) {
  const fs::path dir = comicgan_test::scratch_folder("ckpt");
  std::string empty = (dir / "empty.pt").string(), text = (dir / "text.pt").string();
  io::write_file_atomically(empty, "");
  io::write_file_atomically(text, "this is not a checkpoint at all");
  EXPECT_NE(error_of([&] { io::read_torch_checkpoint(empty); }).find(empty + ": the file is empty"),
            std::string::npos);
  EXPECT_NE(error_of([&] { io::read_torch_checkpoint(text); }).find("not a zip archive"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              io::read_torch_checkpoint((dir / "absent.pt").string());
            }).find("cannot open"),
            std::string::npos);
  fs::remove_all(dir);
}

TEST(TorchCheckpoint, LimitsAreCheckedBeforeAllocating) {
  io::CheckpointLimits small;
  small.max_tensor_bytes = 100;  // the fixture's storages hold more than this together
  EXPECT_NE(error_of([&] {
              io::read_torch_checkpoint(fixture("tensors.pt"), small);
            }).find("larger than the limit"),
            std::string::npos);
  io::CheckpointLimits few;
  few.max_objects = 50;
  EXPECT_NE(error_of([&] {
              io::read_torch_checkpoint(fixture("tensors.pt"), few);
            }).find("pickled objects"),
            std::string::npos);
}

TEST(TorchCheckpoint, RefusesADeflatedEntryClaimingAnImpossibleSize) {
  // data.pkl's central-directory entry in deflated.pt says 2 GiB uncompressed: refused before
  // a buffer of that size is allocated.
  std::string bytes = io::read_file(fixture("deflated.pt"), 1 << 20);
  size_t central = bytes.find("PK\1\2");
  ASSERT_NE(central, std::string::npos);
  ASSERT_EQ(bytes.compare(central + 46, 16, "archive/data.pkl"), 0);
  bytes.replace(central + 24, 4, "\xff\xff\xff\x7f");
  io::CheckpointLimits generous;
  generous.max_pickle_bytes = size_t(4) << 30;  // so the size itself is not what refuses it
  std::string message = error_of([&] {
    io::read_torch_checkpoint_bytes(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(),
                                    "bomb.pt", generous);
  });
  EXPECT_NE(message.find("bomb.pt: corrupt zip (entry archive/data.pkl claims 2147483647 bytes"),
            std::string::npos)
      << message;
}

TEST(TorchCheckpoint, ReadsASmallBroadcastViewButRefusesAHugeOne) {
  // A stride-0 view over one stored element: legit at 3 elements, 8 GiB at 2^31.
  auto small = io::read_torch_checkpoint(fixture("broadcast_small.pt"));
  ASSERT_EQ(small.size(), 1u);
  EXPECT_TRUE(get(small, "w").equal(torch::full({3}, 2.5f)));
  std::string message = error_of([] { io::read_torch_checkpoint(fixture("broadcast_huge.pt")); });
  EXPECT_NE(message.find("broadcast tensor views expand to more than the limit"), std::string::npos)
      << message;
}

TEST(TorchCheckpoint, RefusesAPickleThatCopiesOneListOverAndOver) {
  // 403 bytes that call OrderedDict(list of 100k pairs) 100 times: 20 M copied references.
  std::string message =
      error_of([] { io::read_torch_checkpoint(fixture("ordered_dict_bomb.pt")); });
  EXPECT_NE(message.find("pickled references"), std::string::npos) << message;
}
