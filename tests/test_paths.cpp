#include "test_paths.h"

#include <filesystem>

#include "io/atomic_file.h"

namespace comicgan_test {
const char* fixtures_dir() { return COMICGAN_TEST_FIXTURES_DIR; }
const char* cli_path() { return COMICGAN_TEST_CLI_PATH; }
const char* source_dir() { return COMICGAN_TEST_SOURCE_DIR; }
std::string scratch_folder(const std::string& name) {
  return comicgan::io::make_unique_folder(std::filesystem::temp_directory_path().string(),
                                          "comicgan-" + name + "-");
}
}  // namespace comicgan_test
