#include "train/run_folder.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "comicgan/error.h"
#include "data/prepared_data.h"
#include "io/atomic_file.h"
#include "train/checkpoint.h"

namespace comicgan::train {
namespace {

namespace fs = std::filesystem;

nlohmann::json read_json_file(const std::string& path) {
  std::ifstream in(path);
  check(bool(in), "cannot read ", path);
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    fail(path, " is not valid JSON: ", e.what());
  }
}

std::string data_json_path(const std::string& run_dir) {
  return (fs::path(run_dir) / "data.json").string();
}

// The request's data, its empty fields filled from the run's data.json on a resume.
RunData resolve_data(const RunRequest& r) {
  RunData d = r.data;
  auto path = data_json_path(r.run_dir);
  if (!r.resume || !fs::exists(path)) return d;
  RunData saved = RunData::from_json(read_json_file(path));
  for (auto [given, kept] : {std::pair{&d.photos, &saved.photos},
                             {&d.style, &saved.style},
                             {&d.val, &saved.val},
                             {&d.prepared, &saved.prepared},
                             {&d.photo_target, &saved.photo_target}})
    if (given->empty()) *given = *kept;
  if (d.short_side == 0) d.short_side = saved.short_side;
  return d;
}

TrainConfig layered_config(const RunRequest& r) {
  TrainConfig config;
  if (r.resume) {
    auto saved = (fs::path(r.run_dir) / "config.json").string();
    check(fs::exists(saved), r.run_dir, " holds no run to resume (no config.json)");
    config.merge_json(read_json_file(saved));
  }
  if (!r.config_file.empty()) config.merge_json(read_json_file(r.config_file));
  config.merge_json(r.overrides);
  return config;
}

// The prepared folder to train on: the one given alone, or photos and style prepared into it.
std::string prepare_data(const RunRequest& r, const RunData& d, const TrainConfig& config,
                         const std::function<void(const std::string&)>& log,
                         std::optional<data::PrepareReport>& report) {
  if (!d.prepared.empty() && d.photos.empty() && d.style.empty()) return d.prepared;
  check(!d.photos.empty() && !d.style.empty(),
        "training needs photo and style folders, or a prepared-data folder");
  data::PrepareOptions p;
  p.photos_dir = d.photos;
  p.style_dir = d.style;
  p.output_dir = d.prepared.empty() ? (fs::path(r.run_dir) / "prepared").string() : d.prepared;
  p.short_side = d.short_side > 0 ? d.short_side : int(config.image_size);
  p.min_side = std::min(p.min_side, p.short_side);
  p.photo_target = d.photo_target;
#ifdef COMICGAN_WITH_MEDIA
  report = data::prepare_training_data(p, log);
#else
  fail("this build of comicgan cannot read picture folders (no OpenCV): prepare ", d.photos,
       " and ", d.style, " elsewhere and train on the prepared folder");
#endif
  return p.output_dir;
}

}  // namespace

nlohmann::json RunData::to_json() const {
  return {{"photos", photos},     {"style", style},           {"val", val},
          {"prepared", prepared}, {"short_side", short_side}, {"photo_target", photo_target}};
}

RunData RunData::from_json(const nlohmann::json& j) {
  check(j.is_object(), "data.json must be a JSON object, found ", j.dump());
  RunData d;
  try {
    d.photos = j.value("photos", "");
    d.style = j.value("style", "");
    d.val = j.value("val", "");
    d.prepared = j.value("prepared", "");
    d.photo_target = j.value("photo_target", "");
    d.short_side = j.value("short_side", 0);
  } catch (const nlohmann::json::exception& e) {
    fail("data.json: a field has the wrong type (", e.what(), ")");
  }
  return d;
}

PreparedRun::PreparedRun() = default;
PreparedRun::PreparedRun(PreparedRun&&) noexcept = default;
PreparedRun::~PreparedRun() = default;

bool holds_run(const std::string& run_dir) { return !list_checkpoints(run_dir).empty(); }

PreparedRun prepare_run(const RunRequest& request,
                        const std::function<void(const std::string&)>& log) {
  check(!request.run_dir.empty(), "training needs a run folder");
  check(request.epochs >= 0, "epochs must be >= 0, found ", request.epochs);
  PreparedRun run;
  run.data = resolve_data(request);
  run.config = layered_config(request);
  // Before preparing data: a typo or a taken folder should not cost a preparation pass.
  run.config.validate();
  check(request.resume || !holds_run(request.run_dir), request.run_dir,
        " already holds checkpoints of a run: resume it, or choose another folder");
  fs::create_directories(request.run_dir);
  run.prepared_dir = prepare_data(request, run.data, run.config, log, run.prepared);
  if (request.epochs > 0) {
    auto info = data::prepared_data_info(run.prepared_dir);
    run.config.steps =
        run.config.init_steps +
        (request.epochs * info.photos + run.config.batch_size - 1) / run.config.batch_size;
  }
  run.config.validate();
  io::write_file_atomically(data_json_path(request.run_dir), run.data.to_json().dump(2) + "\n");

  data::PreparedDataOptions d;
  d.image_size = int(run.config.image_size);
  d.batch_size = int(run.config.batch_size);
  d.seed = run.config.seed;
  d.threads = request.loader_threads;
  run.source = data::open_prepared_data(run.prepared_dir, d);
  return run;
}

}  // namespace comicgan::train
