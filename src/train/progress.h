// What training reports while it runs: per-step loss values averaged over the log window, the
// losses of a progress line (the CLI's progress display adds step, it/s and ETA) and
// RUN_DIR/metrics.jsonl records.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace comicgan::train {

struct ProgressInfo {
  int64_t step = 0, total_steps = 0;
  std::string phase;  // "init" (content only) or "gan"
  double steps_per_second = 0, eta_seconds = 0, elapsed_seconds = 0;
  double data_wait_fraction = 0;  // share of the window's wall time spent waiting for batches
  double lr_scale = 1;
  std::map<std::string, double> losses;  // window means: g_total, content, d_total, ...
};

// What a progress line shows beside step, it/s and ETA:
// "gan | G 4.210 adv 0.980 ... | D 1.330 | data 0.4%"
std::string format_losses(const ProgressInfo& info);
// "2h27m", "4m05s", "12s"
std::string format_duration(double seconds);
// One metrics.jsonl record: {"step":..,"phase":..,"it_s":..,"data_wait":..,"g_total":..,...}
nlohmann::json progress_record(const ProgressInfo& info);

// Sums loss values between two reports.
class LossWindow {
 public:
  void add(const std::map<std::string, double>& values);
  std::map<std::string, double> means() const;
  void clear() { sums_.clear(), counts_.clear(); }

 private:
  std::map<std::string, double> sums_;
  std::map<std::string, int64_t> counts_;
};

// metrics.jsonl: appended one record per report. On resume, records past the checkpoint's step
// (written by the interrupted run after its last checkpoint) are dropped so each step appears once.
class MetricsLog {
 public:
  MetricsLog(std::string path, int64_t resume_step);  // resume_step < 0: start a new file
  void append(const nlohmann::json& record);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace comicgan::train
