// A training run folder from what a user asked for: the final TrainConfig and the data to train
// on, for a fresh run or a resumed one, so every app that trains gets `resume` right.
//
// A fresh run takes the TrainConfig defaults, then `config_file`, then `overrides`; a resumed
// run starts from the run's own config.json instead of the defaults. The data a run trains on
// (RunData) is saved as RUN_DIR/data.json, so a resume needs only the run folder: fields left
// empty in the request are taken from there. Photo and style folders are prepared into shards
// (data/prepare.h; cached, so a resume does not decode them again) unless only a prepared folder
// is given. `epochs` turns into steps from the number of prepared photos.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "data/prepare.h"
#include "train/train_config.h"

namespace comicgan::data {
class BatchSource;
}

namespace comicgan::train {

// What a run trains on: the contents of RUN_DIR/data.json.
struct RunData {
  std::string photos, style;  // picture folders to prepare
  std::string val;            // photos shown in the sample grids; "" = those of the first batch
  std::string prepared;       // prepared-data folder; "" = RUN_DIR/prepared
  std::string photo_target;   // pseudo-target prepared beside each photo (data/prepare.h)
  int short_side = 0;         // shorter side of the prepared pictures; 0 = the config's image_size

  nlohmann::json to_json() const;
  static RunData from_json(const nlohmann::json& j);
};

struct RunRequest {
  std::string run_dir;
  bool resume = false;      // continue the run in run_dir (its config.json must exist)
  RunData data;             // fields left empty (0) come from data.json on a resume
  std::string config_file;  // a JSON TrainConfig layered over the base; "" = none
  // TrainConfig fields (JSON values, see TrainConfig::to_json) the user gave, applied last.
  nlohmann::json overrides = nlohmann::json::object();
  int64_t epochs = 0;      // > 0: steps = init_steps + this many passes over the photos
  int loader_threads = 1;  // data::PreparedDataOptions::threads
};

struct PreparedRun {
  PreparedRun();
  PreparedRun(PreparedRun&&) noexcept;
  ~PreparedRun();

  TrainConfig config;        // validated; Trainer(config, run_dir, *source).run(resume)
  RunData data;              // as saved in data.json
  std::string prepared_dir;  // the prepared-data folder trained on
  std::optional<data::PrepareReport> prepared;  // when photo and style folders were prepared
  std::unique_ptr<data::BatchSource> source;
};

// True when run_dir holds checkpoints of a run (a fresh run there is refused).
bool holds_run(const std::string& run_dir);

// Checks the request, creates run_dir, prepares the data when needed (`log` hears the
// preparation's progress lines; it may be empty), writes data.json and opens the data. Throws
// comicgan::Error before any preparation for a bad config, a resume of a folder that holds no
// run, or a fresh run in a folder that holds one.
PreparedRun prepare_run(const RunRequest& request,
                        const std::function<void(const std::string&)>& log = {});

}  // namespace comicgan::train
