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
  std::string format;               // output extension without dot; "" keeps each input's
  io::ImageLimits limits;
  io::WriteOptions write;
};

struct StylizeFilesReport {
  size_t written = 0;
  size_t failed = 0;
  std::vector<std::string> errors;  // one line per failed file
};

// Throws comicgan::Error for a single-file job that fails, and for unusable arguments; in folder
// jobs, failures are collected in the report and `log` hears about each file as it is done (from
// the writer thread, in input order): folders are decoded ahead, stylized with consecutive
// pictures of one size batched, and encoded behind, on three threads.
StylizeFilesReport stylize_files(const StylizeFilesJob& job, Stylizer& stylizer,
                                 const std::function<void(const std::string&)>& log = {});

// The (input, output) pairs a job stands for; exposed for tests.
std::vector<std::pair<std::string, std::string>> plan_outputs(const StylizeFilesJob& job);

}  // namespace comicgan::infer
