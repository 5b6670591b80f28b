#include <algorithm>
#include <chrono>
#include <filesystem>
#include <optional>
#include <thread>

#include "comicgan/error.h"
#include "infer/bounded_queue.h"
#include "infer/stylize_files.h"
#include "io/atomic_file.h"

namespace comicgan::infer {
namespace fs = std::filesystem;

bool is_single_file_job(const StylizeFilesJob& job) {
  std::error_code ec;
  return job.inputs.size() == 1 && fs::is_regular_file(job.inputs[0], ec) &&
         !fs::is_directory(job.output, ec) && io::is_image_path(job.output);
}

namespace {

std::string with_format(const fs::path& path, const std::string& format) {
  if (format.empty()) return path.string();
  fs::path out = path;
  out.replace_extension("." + format);
  return out.string();
}

// One picture on its way through the folder pipeline; `error` set means it failed somewhere.
struct Item {
  size_t index = 0;
  Image picture;
  std::string error;
};

// Pictures batched together: consecutive ones of one size, up to 4 and ~2 megapixels in all.
size_t batch_limit(const Image& picture, const Stylizer& stylizer) {
  if (stylizer.options().max_memory > 0) return 1;  // the budget is per picture
  const double pixels = double(picture.width) * double(picture.height);
  return std::clamp<size_t>(size_t(2.0e6 / std::max(pixels, 1.0)), 1, 4);
}

// Folder jobs run as three stages so that decoding and encoding overlap with the network: a
// reader thread decodes ahead, this thread stylizes (consecutive pictures of one size as a
// batch), a writer thread encodes behind. Outputs are written, and logged, in input order.
void run_folder_pipeline(const StylizeFilesJob& job,
                         const std::vector<std::pair<std::string, std::string>>& plan,
                         Stylizer& stylizer, StylizeFilesReport& report,
                         const std::function<void(const std::string&)>& log,
                         const std::function<void(const StylizeFilesProgress&)>& progress) {
  const auto start = std::chrono::steady_clock::now();
  auto report_progress = [&] {
    if (!progress) return;
    std::chrono::duration<double> spent = std::chrono::steady_clock::now() - start;
    progress({report.written + report.failed, plan.size(), spent.count()});
  };
  report_progress();
  BoundedQueue<Item> decoded(4), styled(2);
  std::thread reader([&] {
    for (size_t i = 0; i < plan.size(); ++i) {
      Item item;
      item.index = i;
      try {
        item.picture = io::read_image(plan[i].first, job.limits);
      } catch (const std::exception& e) {
        item.error = e.what();
      }
      decoded.push(std::move(item));
    }
    decoded.close();
  });
  std::thread writer([&] {
    while (auto item = styled.pop()) {
      const auto& [in_path, out_path] = plan[item->index];
      if (item->error.empty()) {
        try {
          io::create_parent_folders(out_path);
          io::write_image(out_path, item->picture, job.write);
        } catch (const std::exception& e) {
          item->error = e.what();
        }
      }
      if (item->error.empty()) {
        ++report.written;
        if (log) log(in_path + " -> " + out_path);
      } else {
        ++report.failed;
        report.errors.push_back(item->error);
        if (log) log("failed: " + item->error);
      }
      report_progress();
    }
  });
  std::optional<Item> held;  // decoded, not yet part of a batch
  try {
    while (held || (held = decoded.pop())) {
      std::vector<Item> batch;
      batch.push_back(std::move(*held));
      held.reset();
      if (batch[0].error.empty()) {
        const size_t limit = batch_limit(batch[0].picture, stylizer);
        // Take what the reader has ready, while it matches; never wait for a batch to fill.
        while (batch.size() < limit && (held = decoded.try_pop())) {
          const Image &a = batch[0].picture, &b = held->picture;
          if (!held->error.empty() || a.width != b.width || a.height != b.height) break;
          batch.push_back(std::move(*held));
          held.reset();
        }
        std::vector<const Image*> pictures;
        for (const Item& item : batch) pictures.push_back(&item.picture);
        try {
          std::vector<Image> out = stylizer.stylize_batch(pictures, job.strength);
          for (size_t k = 0; k < batch.size(); ++k) batch[k].picture = std::move(out[k]);
        } catch (const std::exception& e) {
          for (Item& item : batch) item.error = plan[item.index].first + ": " + e.what();
        }
      }
      for (Item& item : batch) styled.push(std::move(item));
    }
  } catch (...) {
    decoded.close();
    styled.close();
    reader.join();
    writer.join();
    throw;
  }
  styled.close();
  reader.join();
  writer.join();
}

}  // namespace

std::vector<std::pair<std::string, std::string>> plan_outputs(const StylizeFilesJob& job) {
  check(!job.inputs.empty(), "stylize: no input given");
  std::vector<std::pair<std::string, std::string>> plan;
  if (is_single_file_job(job)) {
    plan.emplace_back(job.inputs[0], job.output);
    return plan;
  }
  fs::path out_dir(job.output);
  for (const auto& input : job.inputs) {
    std::error_code ec;
    if (fs::is_directory(input, ec)) {
      std::vector<fs::path> found;
      for (auto it = fs::recursive_directory_iterator(
               input, fs::directory_options::skip_permission_denied, ec);
           it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) break;
        if (it->is_regular_file(ec) && io::is_image_path(it->path().string()))
          found.push_back(it->path());
      }
      check(!ec, input, ": cannot list folder (", ec.message(), ")");
      std::sort(found.begin(), found.end());
      for (const auto& p : found)
        plan.emplace_back(p.string(),
                          with_format(out_dir / p.lexically_relative(input), job.format));
    } else {
      check(fs::exists(input, ec), input, ": no such file or folder");
      plan.emplace_back(input, with_format(out_dir / fs::path(input).filename(), job.format));
    }
  }
  return plan;
}

StylizeFilesReport stylize_files(const StylizeFilesJob& job, Stylizer& stylizer,
                                 const std::function<void(const std::string&)>& log,
                                 const std::function<void(const StylizeFilesProgress&)>& progress) {
  auto plan = plan_outputs(job);
  StylizeFilesReport report;
  if (is_single_file_job(job)) {
    Image in = io::read_image(plan[0].first, job.limits);
    Image styled = stylizer.stylize(in, job.strength);
    io::create_parent_folders(plan[0].second);  // `-o out/photo.png` works in a fresh checkout
    io::write_image(plan[0].second, styled, job.write);
    report.written = 1;
    if (log) log(plan[0].first + " -> " + plan[0].second);
    return report;
  }
  run_folder_pipeline(job, plan, stylizer, report, log, progress);
  return report;
}

}  // namespace comicgan::infer
