// comicgan train --photos DIR --style DIR -o RUN_DIR: AnimeGAN-style training of a generator on
// two unpaired folders. Prepares (and caches) the data, then runs train::Trainer with a progress
// line, sample grids, a loss curve and Ctrl-C handling. `--resume` continues RUN_DIR with the
// configuration and folders it was started with (flags given again override them).
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include "command.h"
#include "comicgan/error.h"
#include "data/prepare.h"
#include "data/prepared_data.h"
#include "io/atomic_file.h"
#include "stop_signals.h"
#include "train/run_pictures.h"
#include "train/trainer.h"

namespace comicgan::cli {
namespace {

namespace fs = std::filesystem;

struct TrainArgs {
  std::string photos, style, val, prepared, run_dir, config_file, photo_target;
  int short_side = 0;
  int64_t epochs = 0;
  int loader_threads = 1;
  bool resume = false;
  RuntimeFlags runtime;
  // Every TrainConfig field as text, by field name; only those given on the command line.
  std::map<std::string, std::string> fields;
};

std::string flag_name(std::string field) {
  for (auto& c : field)
    if (c == '_') c = '-';
  return "--" + field;
}

// A flag's text as the JSON value of the field whose default is `like`.
nlohmann::json field_value(const std::string& field, const std::string& text,
                           const nlohmann::json& like) {
  if (like.is_string()) return text;
  try {
    auto v = nlohmann::json::parse(text);
    if (like.is_boolean() && v.is_number_integer()) return v.get<int64_t>() != 0;
    return v;
  } catch (const nlohmann::json::exception&) {
    fail(flag_name(field), ": '", text, "' is not a valid value");
  }
}

nlohmann::json read_json_file(const std::string& path) {
  std::ifstream in(path);
  check(bool(in), "cannot read ", path);
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    fail(path, " is not valid JSON: ", e.what());
  }
}

// The folders a run was started with, so `--resume` needs only RUN_DIR.
void remember_data(const TrainArgs& a) {
  nlohmann::json j = {{"photos", a.photos}, {"style", a.style}, {"val", a.val},
                      {"prepared", a.prepared}, {"short_side", a.short_side},
                      {"photo_target", a.photo_target}};
  io::write_file_atomically((fs::path(a.run_dir) / "data.json").string(), j.dump(2) + "\n");
}

void recall_data(TrainArgs& a) {
  auto path = (fs::path(a.run_dir) / "data.json").string();
  if (!fs::exists(path)) return;
  auto j = read_json_file(path);
  if (a.photos.empty()) a.photos = j.value("photos", "");
  if (a.style.empty()) a.style = j.value("style", "");
  if (a.val.empty()) a.val = j.value("val", "");
  if (a.prepared.empty()) a.prepared = j.value("prepared", "");
  if (a.short_side == 0) a.short_side = j.value("short_side", 0);
  if (a.photo_target.empty()) a.photo_target = j.value("photo_target", "");
}

train::TrainConfig build_config(const TrainArgs& a) {
  train::TrainConfig config;
  if (a.resume) {
    auto saved = (fs::path(a.run_dir) / "config.json").string();
    check(fs::exists(saved), a.run_dir, " holds no run to resume (no config.json)");
    config.merge_json(read_json_file(saved));
  }
  if (!a.config_file.empty()) config.merge_json(read_json_file(a.config_file));
  auto defaults = config.to_json();
  nlohmann::json given = nlohmann::json::object();
  for (auto& [field, text] : a.fields) given[field] = field_value(field, text, defaults.at(field));
  config.merge_json(given);
  if (a.runtime.device != "cpu" || !a.resume) config.device = a.runtime.device;
  return config;
}

// Prepares the two folders into the cache (or reuses it) unless --prepared names one.
std::string prepared_folder(TrainArgs& a, const train::TrainConfig& config) {
  if (!a.prepared.empty() && a.photos.empty() && a.style.empty()) return a.prepared;
  check(!a.photos.empty() && !a.style.empty(),
        "--photos and --style are required (or --prepared DIR made by 'comicgan prepare')");
  data::PrepareOptions p;
  p.photos_dir = a.photos;
  p.style_dir = a.style;
  p.output_dir = a.prepared.empty() ? (fs::path(a.run_dir) / "prepared").string() : a.prepared;
  p.short_side = a.short_side > 0 ? a.short_side : int(config.image_size);
  p.min_side = std::min(p.min_side, p.short_side);
  p.photo_target = a.photo_target;
  auto report = data::prepare_training_data(p, [](const std::string& line) {
    std::cerr << line << "\n";
  });
  std::cerr << data::summarize(report);
  return p.output_dir;
}

train::TrainHooks make_hooks(const std::string& run_dir, const std::string& val, int64_t size,
                             const std::atomic<bool>& stop) {
  train::TrainHooks hooks;
  const bool terminal = ::isatty(STDERR_FILENO);
  hooks.log = [terminal](const std::string& line) {
    std::cerr << (terminal ? "\r\033[K" : "") << line << "\n";
  };
  hooks.progress = [terminal](const train::ProgressInfo& info) {
    if (terminal)
      std::cerr << "\r\033[K" << train::format_progress(info) << std::flush;
    else
      std::cerr << train::format_progress(info) << "\n";
  };
  auto samples_dir = fs::path(run_dir) / "samples";
  hooks.samples = [samples_dir](int64_t step, const at::Tensor& photos, const at::Tensor& generated) {
    fs::create_directories(samples_dir);
    char name[32];
    std::snprintf(name, sizeof name, "step-%08lld.png", static_cast<long long>(step));
    train::write_sample_grid((samples_dir / name).string(), photos, generated);
  };
  hooks.should_stop = [&stop](int64_t) { return stop.load(); };
  if (!val.empty()) hooks.sample_photos = train::load_sample_photos(val, size);
  return hooks;
}

int run_training(TrainArgs& a) {
  apply_runtime_flags(a.runtime);
  if (a.resume) recall_data(a);
  auto config = build_config(a);
  config.validate();  // before preparing data: a typo should not cost a preparation pass
  fs::create_directories(a.run_dir);
  auto prepared = prepared_folder(a, config);
  if (a.epochs > 0) {
    auto info = data::prepared_data_info(prepared);
    config.steps = config.init_steps +
                   (a.epochs * info.photos + config.batch_size - 1) / config.batch_size;
  }
  config.validate();
  remember_data(a);

  data::PreparedDataOptions d;
  d.image_size = int(config.image_size);
  d.batch_size = int(config.batch_size);
  d.seed = config.seed;
  d.threads = a.loader_threads;
  auto source = data::open_prepared_data(prepared, d);

  StopSignals signals(
      "\ncomicgan: interrupted; saving a checkpoint after this step (^C again: stop without "
      "saving)\n",
      "\ncomicgan: interrupted twice; stopped without saving (the last checkpoint is intact)\n");
  train::Trainer trainer(config, a.run_dir, *source,
                         make_hooks(a.run_dir, a.val, config.image_size, signals.requested()));
  auto s = trainer.run(a.resume);
  auto metrics = (fs::path(a.run_dir) / "metrics.jsonl").string();
  if (fs::exists(metrics) && fs::file_size(metrics) > 0)
    train::write_loss_curve(metrics, (fs::path(a.run_dir) / "loss_curve.png").string());
  std::cerr << (::isatty(STDERR_FILENO) ? "\r\033[K" : "");
  std::cout << (s.stopped_early ? "stopped" : "finished") << " at step " << s.steps_done << "/"
            << config.steps << " after " << train::format_duration(s.seconds) << " ("
            << s.rollbacks << " rollbacks)\n"
            << "model: " << s.model_path << "\ncheckpoint: " << s.checkpoint_path << "\n";
  if (s.stopped_early) std::cout << "continue with: comicgan train -o " << a.run_dir << " --resume\n";
  return 0;
}

Command train_command(
    "train", "Train a style from two unpaired folders (photos, comic / anime pictures)",
    [](CLI::App& app) -> Runner {
      auto a = std::make_shared<TrainArgs>();
      app.add_option("--photos", a->photos, "folder of photos (searched recursively)");
      app.add_option("--style", a->style, "folder of comic / anime pictures (searched recursively)");
      app.add_option("-o,--output", a->run_dir, "run folder: model.cgm, checkpoints, samples, metrics")
          ->required();
      app.add_option("--val", a->val, "folder of photos shown in the sample grids (first 8)");
      app.add_option("--prepared", a->prepared,
                     "prepared-data folder (cache); default RUN_DIR/prepared");
      app.add_option("--short-side", a->short_side,
                     "prepare pictures at this shorter side (default: --image-size)");
      app.add_option("--photo-target", a->photo_target,
                     "prepare a classical rendering of each photo for --target-weight and "
                     "--gan-target-weight: meanshift or comic (see 'comicgan prepare --help')")
          ->check(CLI::IsMember(data::photo_target_names()));
      app.add_option("--epochs", a->epochs, "train for this many passes over the photos (sets --steps)")
          ->check(CLI::PositiveNumber);
      app.add_option("--loader-threads", a->loader_threads, "threads preparing batches ahead")
          ->check(CLI::Range(0, 64))
          ->capture_default_str();
      app.add_flag("--resume", a->resume, "continue the run in RUN_DIR from its newest checkpoint");
      app.add_option("--config", a->config_file, "JSON training config (the format of RUN_DIR/config.json)");
      add_runtime_flags(app, a->runtime);
      // One flag per config field, its default shown; only the fields given are applied.
      const auto defaults = train::TrainConfig{}.to_json();
      for (auto& [field, value] : defaults.items()) {
        if (field == "device") continue;  // --device comes with the runtime flags
        auto name = field;
        app.add_option_function<std::string>(
               flag_name(field), [a, name](const std::string& text) { a->fields[name] = text; },
               "default " + value.dump())
            ->group("Training config");
      }
      return [a]() { return run_training(*a); };
    },
    45);

}  // namespace
}  // namespace comicgan::cli
