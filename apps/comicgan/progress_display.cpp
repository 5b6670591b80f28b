#include "progress_display.h"

#include <unistd.h>

#include <cstdio>

#include "train/progress.h"

namespace comicgan::cli {

std::string format_progress(const std::string& noun, const std::string& unit,
                            const ProgressCount& c, const std::string& detail) {
  const double rate = c.per_second >= 0 ? c.per_second : c.seconds > 0 ? c.done / c.seconds : 0;
  std::string line = noun + " " + std::to_string(c.done);
  if (c.total > 0) line += "/" + std::to_string(c.total);
  char text[64];
  std::snprintf(text, sizeof text, "  %.2f ", rate);
  line += text + unit + "/s";
  double eta = c.eta_seconds;
  if (eta < 0 && c.total > c.done && rate > 0) eta = double(c.total - c.done) / rate;
  if (eta >= 0 && c.total > c.done) line += "  ETA " + train::format_duration(eta);
  if (!detail.empty()) line += "  " + detail;
  return line;
}

ProgressDisplay::ProgressDisplay(std::ostream& out, bool terminal, std::string noun,
                                 std::string unit, double plain_interval)
    : out_(out),
      terminal_(terminal),
      noun_(std::move(noun)),
      unit_(std::move(unit)),
      plain_interval_(plain_interval) {}

bool ProgressDisplay::stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

void ProgressDisplay::update(const ProgressCount& count, const std::string& detail) {
  const std::string line = format_progress(noun_, unit_, count, detail);
  if (terminal_) {
    on_screen_ = line;
    out_ << "\r\033[K" << line << std::flush;
    return;
  }
  const bool first = last_plain_ < 0;
  const bool last = count.total > 0 && count.done >= count.total;
  const bool due = !first && count.seconds - last_plain_ >= plain_interval_;
  if ((first || due || last) && count.done != last_plain_done_) {
    out_ << line << "\n" << std::flush;
    last_plain_ = count.seconds;
    last_plain_done_ = count.done;
  }
}

void ProgressDisplay::message(const std::string& line) {
  if (terminal_ && !on_screen_.empty()) {
    out_ << "\r\033[K" << line << "\n" << on_screen_ << std::flush;
  } else {
    out_ << line << "\n" << std::flush;
  }
}

void ProgressDisplay::finish() {
  if (terminal_ && !on_screen_.empty()) out_ << "\n" << std::flush;
  on_screen_.clear();
}

}  // namespace comicgan::cli
