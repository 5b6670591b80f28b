// One progress display for the CLI's long work (training steps, video frames, pictures of a
// folder). On a terminal: one line updated in place with done/total, items/s, the ETA and what
// the work adds (losses, ...). Not on a terminal (a log, a pipe): plain lines only now and then —
// the first at once (so a reader knows work started), then one per `plain_interval` seconds of
// work, and the last. Messages (a failed file, a note) print between updates without breaking
// the line. The library reports progress through callbacks; only the CLI prints it.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

namespace comicgan::cli {

struct ProgressCount {
  int64_t done = 0, total = 0;  // total <= 0: not known
  double seconds = 0;           // of work so far; plain lines are spaced by it
  double per_second = -1;       // items/s; < 0: done / seconds
  double eta_seconds = -1;      // < 0: from the rate and what is left
};

// "frame 120/300  3.40 frames/s  ETA 53s", then "  " and `detail` when given.
std::string format_progress(const std::string& noun, const std::string& unit,
                            const ProgressCount& count, const std::string& detail = "");

class ProgressDisplay {
 public:
  // `noun` names one item ("frame", "image", "step"), `unit` the rate's ("frames", "it").
  ProgressDisplay(std::ostream& out, bool terminal, std::string noun, std::string unit,
                  double plain_interval = 10.0);
  ~ProgressDisplay() { finish(); }
  ProgressDisplay(const ProgressDisplay&) = delete;
  ProgressDisplay& operator=(const ProgressDisplay&) = delete;

  static bool stderr_is_terminal();

  void update(const ProgressCount& count, const std::string& detail = "");
  // A line that stays (printed at once in both modes).
  void message(const std::string& line);
  // Ends the updating line on a terminal, so what follows starts on a line of its own.
  void finish();

 private:
  std::ostream& out_;
  bool terminal_;
  std::string noun_, unit_;
  double plain_interval_;
  std::string on_screen_;         // terminal: the status line shown now
  double last_plain_ = -1;        // plain: `seconds` of the last line printed
  int64_t last_plain_done_ = -1;  // ... and its count
};

}  // namespace comicgan::cli
