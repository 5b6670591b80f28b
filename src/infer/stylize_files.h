// Stylizing files and folders: one file to one file, or files and folders (recursively) into an
// output folder under the same relative names. A bad file in a folder is reported and skipped.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "infer/stylizer.h"
#include "io/image_io.h"

namespace comicgan::infer {

struct StylizeFilesJob {
  std::vector<std::string> inputs;  // files and/or folders
  std::string output;               // a file (single image input) or a folder
  float strength = 1.0f;
  std::string format;  // output extension without dot; "" keeps each input's
  io::ImageLimits limits;
  io::WriteOptions write;
};

struct StylizeFilesReport {
  size_t written = 0;
  size_t failed = 0;
  std::vector<std::string> errors;  // one line per failed file
};

// How far a folder job is: files written or failed, of all, after `seconds`.
struct StylizeFilesProgress {
  size_t done = 0, total = 0;
  double seconds = 0;
};

// Throws comicgan::Error for a single-file job that fails, and for unusable arguments; in folder
// jobs, failures are collected in the report and `log` hears about each file as it is done (from
// the writer thread, in input order): folders are decoded ahead, stylized with consecutive
// pictures of one size batched, and encoded behind, on three threads. `progress` hears of a
// folder job once before the first file (from the calling thread) and after each file (from
// the writer thread, after `log`).
StylizeFilesReport stylize_files(
    const StylizeFilesJob& job, Stylizer& stylizer,
    const std::function<void(const std::string&)>& log = {},
    const std::function<void(const StylizeFilesProgress&)>& progress = {});

// One file in, one file out (`-o` names an image file, not a folder).
bool is_single_file_job(const StylizeFilesJob& job);

// The (input, output) pairs a job stands for; exposed for tests.
std::vector<std::pair<std::string, std::string>> plan_outputs(const StylizeFilesJob& job);

}  // namespace comicgan::infer
