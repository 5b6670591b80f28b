// Inputs that once crashed or misbehaved a parser under libFuzzer (scripts/fuzz), replayed on
// every test run: each must now be read or refused with comicgan::Error. (The crashes were
// sanitizer reports: run tests under scripts/test-sanitized to see these tests catch them
// again.) Also the fuzzers' seeds, which must read.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "comicgan/error.h"
#include "io/atomic_file.h"
#include "io/model_file.h"
#include "io/torch_checkpoint.h"
#include "test_paths.h"

using namespace comicgan;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> files_in(const std::string& folder, const std::string& extension = "") {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(fs::path(COMICGAN_FIXTURES) / folder, ec))
    if (e.is_regular_file() && (extension.empty() || e.path().extension() == extension))
      files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

// Reads every regression input of `target`; returns the error message per file ("" if read).
template <typename Read>
std::map<std::string, std::string> replay(const std::string& target, Read read) {
  std::map<std::string, std::string> outcome;
  for (const auto& path : files_in("fuzz-regressions/" + target)) {
    std::string bytes = io::read_file(path, 64 << 20);
    std::string& message = outcome[fs::path(path).filename().string()];
    try {
      read(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    } catch (const Error& e) {
      message = e.what();
    } catch (const std::exception& e) {
      ADD_FAILURE() << path << ": escaped as a non-comicgan exception: " << e.what();
    }
  }
  return outcome;
}

}  // namespace

TEST(FuzzRegressions, CheckpointReader) {
  auto outcome = replay("checkpoint", [](const uint8_t* d, size_t n) {
    io::read_torch_checkpoint_bytes(d, n, "regression");
  });
  ASSERT_GE(outcome.size(), 2u);
  // Read past its 54 bytes looking for a 56-byte zip64 end record.
  EXPECT_NE(outcome["zip64-end-record-in-a-short-file"].find("outside the file"), std::string::npos)
      << outcome["zip64-end-record-in-a-short-file"];
}

TEST(FuzzRegressions, ModelFileReader) {
  auto outcome = replay("model_file", [](const uint8_t* d, size_t n) {
    io::read_model_file_bytes(d, n, "regression");
  });
  ASSERT_GE(outcome.size(), 1u);
  // memcpy to the null buffer of a 0-element tensor (undefined behaviour): now reads.
  EXPECT_EQ(outcome["empty-tensor-memcpy-null"], "");
}

TEST(FuzzSeeds, ModelFilesRead) {
  auto seeds = files_in("fuzz-seeds/model_file", ".cgm");
  ASSERT_GE(seeds.size(), 4u);
  for (const auto& path : seeds) {
    io::ModelFile m = io::read_model_file(path);
    EXPECT_TRUE(m.meta.is_object()) << path;
  }
}
