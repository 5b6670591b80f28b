#include <filesystem>

#include "comicgan/error.h"
#include "infer/stylize_files.h"
#include "io/atomic_file.h"

namespace comicgan::infer {
namespace fs = std::filesystem;

namespace {

std::string with_format(const fs::path& path, const std::string& format) {
  if (format.empty()) return path.string();
  fs::path out = path;
  out.replace_extension("." + format);
  return out.string();
}

bool single_file_job(const StylizeFilesJob& job) {
  std::error_code ec;
  return job.inputs.size() == 1 && fs::is_regular_file(job.inputs[0], ec) &&
         !fs::is_directory(job.output, ec) && io::is_image_path(job.output);
}

}  // namespace

std::vector<std::pair<std::string, std::string>> plan_outputs(const StylizeFilesJob& job) {
  check(!job.inputs.empty(), "stylize: no input given");
  std::vector<std::pair<std::string, std::string>> plan;
  if (single_file_job(job)) {
    plan.emplace_back(job.inputs[0], job.output);
    return plan;
  }
  fs::path out_dir(job.output);
  for (const auto& input : job.inputs) {
    std::error_code ec;
    if (fs::is_directory(input, ec)) {
      std::vector<fs::path> found;
      for (auto it = fs::recursive_directory_iterator(input, fs::directory_options::skip_permission_denied, ec);
           it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) break;
        if (it->is_regular_file(ec) && io::is_image_path(it->path().string())) found.push_back(it->path());
      }
      check(!ec, input, ": cannot list folder (", ec.message(), ")");
      std::sort(found.begin(), found.end());
      for (const auto& p : found)
        plan.emplace_back(p.string(), with_format(out_dir / p.lexically_relative(input), job.format));
    } else {
      check(fs::exists(input, ec), input, ": no such file or folder");
      plan.emplace_back(input, with_format(out_dir / fs::path(input).filename(), job.format));
    }
  }
  return plan;
}

StylizeFilesReport stylize_files(const StylizeFilesJob& job, Stylizer& stylizer,
                                 const std::function<void(const std::string&)>& log) {
  auto plan = plan_outputs(job);
  StylizeFilesReport report;
  if (single_file_job(job)) {
    Image in = io::read_image(plan[0].first, job.limits);
    Image styled = stylizer.stylize(in, job.strength);
    io::create_parent_folders(plan[0].second);  // `-o out/photo.png` works in a fresh checkout
    io::write_image(plan[0].second, styled, job.write);
    report.written = 1;
    if (log) log(plan[0].first + " -> " + plan[0].second);
    return report;
  }
  for (const auto& [in_path, out_path] : plan) {
    try {
      Image in = io::read_image(in_path, job.limits);
      io::create_parent_folders(out_path);
      io::write_image(out_path, stylizer.stylize(in, job.strength), job.write);
      ++report.written;
      if (log) log(in_path + " -> " + out_path);
    } catch (const std::exception& e) {
      ++report.failed;
      report.errors.push_back(e.what());
      if (log) log(std::string("failed: ") + e.what());
    }
  }
  return report;
}

}  // namespace comicgan::infer
