#include "train/progress.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "comicgan/error.h"
#include "io/atomic_file.h"

namespace comicgan::train {

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  auto s = static_cast<int64_t>(std::llround(seconds));
  char out[32];
  if (s >= 3600)
    std::snprintf(out, sizeof out, "%lldh%02lldm", (long long)(s / 3600), (long long)(s / 60 % 60));
  else if (s >= 60)
    std::snprintf(out, sizeof out, "%lldm%02llds", (long long)(s / 60), (long long)(s % 60));
  else
    std::snprintf(out, sizeof out, "%llds", (long long)s);
  return out;
}

std::string format_losses(const ProgressInfo& info) {
  std::ostringstream line;
  line.setf(std::ios::fixed);
  line << info.phase << " |";
  line.precision(3);
  auto show = [&](const char* key, const char* label) {
    auto it = info.losses.find(key);
    if (it != info.losses.end()) line << " " << label << " " << it->second;
  };
  show("init_content", "content");
  show("g_total", "G");
  show("g_adv", "adv");
  show("content", "con");
  show("style", "sty");
  show("color", "col");
  show("tv", "tv");
  if (info.losses.count("d_total")) {
    line << " |";
    show("d_total", "D");
  }
  line.precision(1);
  line << " | data " << 100.0 * info.data_wait_fraction << "%";
  if (info.lr_scale != 1.0) line << " | lr x" << info.lr_scale;
  return line.str();
}

nlohmann::json progress_record(const ProgressInfo& info) {
  nlohmann::json j = {{"step", info.step},
                      {"phase", info.phase},
                      {"elapsed_s", info.elapsed_seconds},
                      {"it_s", info.steps_per_second},
                      {"data_wait", info.data_wait_fraction},
                      {"lr_scale", info.lr_scale}};
  for (const auto& [key, value] : info.losses) j[key] = value;
  return j;
}

void LossWindow::add(const std::map<std::string, double>& values) {
  for (const auto& [key, value] : values) {
    sums_[key] += value;
    counts_[key] += 1;
  }
}

std::map<std::string, double> LossWindow::means() const {
  std::map<std::string, double> out;
  for (const auto& [key, sum] : sums_) out[key] = sum / double(counts_.at(key));
  return out;
}

MetricsLog::MetricsLog(std::string path, int64_t resume_step) : path_(std::move(path)) {
  std::string kept;
  if (resume_step >= 0) {
    std::ifstream in(path_);
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      try {
        if (nlohmann::json::parse(line).value("step", int64_t(0)) > resume_step) continue;
      } catch (const nlohmann::json::exception&) {
        continue;  // a line cut short by a kill
      }
      kept += line + "\n";
    }
  }
  io::write_file_atomically(path_, kept);
}

void MetricsLog::append(const nlohmann::json& record) {
  std::ofstream out(path_, std::ios::app);
  out << record.dump() << "\n";
  check(out.good(), path_, ": cannot append metrics (disk full?)");
}

}  // namespace comicgan::train
