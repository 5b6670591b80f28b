// Where the tests find their fixtures, the CLI binary and the source tree. Only test_paths.cpp is
// compiled with these paths, so no other translation unit carries a path of the machine it was
// built on (and a second checkout's build can reuse the same compiled objects).
#pragma once

#include <string>

namespace comicgan_test {
const char* fixtures_dir();  // tests/fixtures
const char* cli_path();      // the comicgan binary built beside the tests
const char* source_dir();    // the repository root
// A new empty folder of this caller's own under the system's temp folder,
// "comicgan-NAME-XXXXXX" (mkdtemp: tests run at once, in one process or many, never share one).
std::string scratch_folder(const std::string& name);
}  // namespace comicgan_test

#define COMICGAN_FIXTURES (::comicgan_test::fixtures_dir())
#define COMICGAN_CLI (::comicgan_test::cli_path())
