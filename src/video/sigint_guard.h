// SIGINT while a video is being written: the first one asks the pipeline to stop cleanly (it
// then finishes a playable file from the frames done); a second one removes the temporary file
// and exits at once, so the target is never left half-written.
#pragma once

#include <signal.h>

#include <atomic>
#include <string>

namespace comicgan::video {

class SigintGuard {
 public:
  // `temp_path`: removed by a second SIGINT (a file or an empty-able folder of frames).
  explicit SigintGuard(const std::string& temp_path);
  ~SigintGuard();
  SigintGuard(const SigintGuard&) = delete;
  SigintGuard& operator=(const SigintGuard&) = delete;

  // Whether a SIGINT came while a guard is in place.
  static bool interrupted();

 private:
  struct ::sigaction previous_ {};
};

}  // namespace comicgan::video
