// Inputs that once crashed or misbehaved a parser under libFuzzer (scripts/fuzz), replayed on
// every test run: each must now be read or refused with comicgan::Error.
#include <gtest/gtest.h>

#include <filesystem>

#include "comicgan/error.h"
#include "io/atomic_file.h"
#include "io/model_file.h"
#include "io/torch_checkpoint.h"

using namespace comicgan;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> regression_inputs(const std::string& target) {
  std::vector<std::string> files;
  fs::path dir = fs::path(COMICGAN_FIXTURES) / "fuzz-regressions" / target;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_regular_file()) files.push_back(e.path().string());
  return files;
}

template <typename Read>
void replay(const std::string& target, Read read) {
  for (const auto& path : regression_inputs(target)) {
    std::string bytes = io::read_file(path, 64 << 20);
    try {
      read(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    } catch (const Error&) {
    } catch (const std::exception& e) {
      ADD_FAILURE() << path << ": escaped as a non-comicgan exception: " << e.what();
    }
  }
}

}  // namespace

TEST(FuzzRegressions, CheckpointReader) {
  replay("checkpoint", [](const uint8_t* d, size_t n) { io::read_torch_checkpoint_bytes(d, n, "regression"); });
}

TEST(FuzzRegressions, ModelFileReader) {
  replay("model_file", [](const uint8_t* d, size_t n) { io::read_model_file_bytes(d, n, "regression"); });
}
