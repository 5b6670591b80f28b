// The message of the comicgan::Error a call throws, or "(no error)": for tests that check what a
// user would be told.
#pragma once

#include <functional>
#include <string>

#include "comicgan/error.h"

namespace comicgan::test {

inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace comicgan::test
