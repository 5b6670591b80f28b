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

// A bad value of one option: what() is "OPTION PROBLEM" ("device must be cpu or cuda[:N], found
// 'gpu'"), in the library's own words. A front end that took the value from a flag names the flag
// instead: the CLI prints "--device must be cpu or cuda[:N], found 'gpu'".
class OptionError : public Error {
 public:
  OptionError(const std::string& option, const std::string& problem)
      : Error(option + " " + problem), option_(option), problem_(problem) {}
  // The option's name in the library (a field of its options struct): "device", "max_memory".
  const std::string& option() const { return option_; }
  // What is wrong with the value: "must be cpu or cuda[:N], found 'gpu'".
  const std::string& problem() const { return problem_; }

 private:
  std::string option_, problem_;
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

// check_option(batch >= 1, "batch", "must be >= 1, found ", batch) throws OptionError.
template <typename... Parts>
[[noreturn]] void fail_option(const char* option, const Parts&... parts) {
  throw OptionError(option, detail::concat(parts...));
}
template <typename... Parts>
void check_option(bool condition, const char* option, const Parts&... parts) {
  if (!condition) fail_option(option, parts...);
}

}  // namespace comicgan
