// Shared by the libFuzzer targets: a reader under fuzzing may only succeed or throw
// comicgan::Error. Anything else (another exception type, a crash, a sanitizer report, an
// allocation beyond libFuzzer's -rss_limit_mb) is a bug.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

#include "comicgan/error.h"

namespace comicgan::fuzz {

inline int run_reader(const std::function<void()>& read) {
  try {
    read();
  } catch (const comicgan::Error&) {
  }
  return 0;
}

}  // namespace comicgan::fuzz
