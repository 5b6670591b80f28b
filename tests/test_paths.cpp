#include "test_paths.h"

namespace comicgan_test {
const char* fixtures_dir() { return COMICGAN_TEST_FIXTURES_DIR; }
const char* cli_path() { return COMICGAN_TEST_CLI_PATH; }
const char* source_dir() { return COMICGAN_TEST_SOURCE_DIR; }
}  // namespace comicgan_test
