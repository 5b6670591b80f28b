// comicgan's one exception type. Every failure a user can cause (bad file, wrong shape, bad
// option) is reported as a comicgan::Error whose message says what to fix; the CLI prints it as
// one line and exits non-zero.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace comicgan {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

namespace detail {
template <typename... Parts>
std::string concat(const Parts&... parts) {
  std::ostringstream out;
  (out << ... << parts);
  return out.str();
}
}  // namespace detail

// Throws comicgan::Error with the parts streamed together: fail("checkpoint ", path, ": ...").
template <typename... Parts>
[[noreturn]] void fail(const Parts&... parts) {
  throw Error(detail::concat(parts...));
}

// check(n <= limit, "image ", path, ": ", n, " pixels exceeds the limit of ", limit)
template <typename... Parts>
void check(bool condition, const Parts&... parts) {
  if (!condition) fail(parts...);
}

}  // namespace comicgan
