// Ctrl-C for the long commands (a video, training), the one place the CLI handles signals (the
// library never does): while a StopSignals lives, the first SIGINT or SIGTERM only sets
// requested(), which the command hands to the library as its cancel flag, so the work stops
// cleanly (a playable video of the frames done, a checkpoint). A second one removes the file
// given to remove_on_hard_stop() (a half-written temporary), if any, and ends the process at
// once with 128 + the signal (130 for ^C).
#pragma once

#include <atomic>
#include <list>
#include <mutex>
#include <string>

namespace comicgan::cli {

class StopSignals {
 public:
  // What to print when the first signal comes (what happens now) and when the second ends the
  // process; string literals (the handler reads them), each a line of its own.
  StopSignals(const char* first_note, const char* hard_stop_note);
  ~StopSignals();  // the previous handlers back
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // Set by the first signal; for the library's `cancel`.
  const std::atomic<bool>& requested() const;
  // From any thread. The file the second signal removes before exiting.
  void remove_on_hard_stop(const std::string& path);

 private:
  std::mutex mutex_;
  std::list<std::string> paths_;  // every path given stays alive: the handler may be reading one
};

}  // namespace comicgan::cli
