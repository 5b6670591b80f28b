// comicgan train --photos DIR --style DIR -o RUN_DIR: AnimeGAN-style training of a generator on
// two unpaired folders. Prepares (and caches) the data, then runs train::Trainer with a progress
// line, sample grids, a loss curve and Ctrl-C handling. `--resume` continues RUN_DIR with the
// configuration and folders it was started with (flags given again override them).

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>

#include "comicgan/error.h"
#include "command.h"
#include "data/prepare.h"
#include "progress_display.h"
#include "stop_signals.h"
#include "train/run_folder.h"
#include "train/run_pictures.h"
#include "train/trainer.h"

namespace comicgan::cli {
namespace {

namespace fs = std::filesystem;

struct TrainArgs {
  std::string run_dir, config_file;
  train::RunData data;
  int64_t epochs = 0;
  int loader_threads = 1;
  bool resume = false;
  RuntimeFlags runtime;
  bool device_given = false;  // --device on the command line (else a resume keeps the run's)
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

train::TrainHooks make_hooks(const std::string& run_dir, const std::string& val, int64_t size,
                             const std::atomic<bool>& stop, ProgressDisplay& display) {
  train::TrainHooks hooks;
  hooks.log = [&display](const std::string& line) { display.message(line); };
  hooks.progress = [&display](const train::ProgressInfo& info) {
    display.update({info.step, info.total_steps, info.elapsed_seconds, info.steps_per_second,
                    info.eta_seconds},
                   train::format_losses(info));
  };
  auto samples_dir = fs::path(run_dir) / "samples";
  hooks.samples = [samples_dir](int64_t step, const at::Tensor& photos,
                                const at::Tensor& generated) {
    fs::create_directories(samples_dir);
    char name[32];
    std::snprintf(name, sizeof name, "step-%08lld.png", static_cast<long long>(step));
    train::write_sample_grid((samples_dir / name).string(), photos, generated);
  };
  hooks.should_stop = [&stop](int64_t) { return stop.load(); };
  if (!val.empty()) hooks.sample_photos = train::load_sample_photos(val, size);
  return hooks;
}

// The flags given as a run request: config fields as JSON of their default's type.
train::RunRequest run_request(const TrainArgs& a) {
  train::RunRequest r;
  r.run_dir = a.run_dir;
  r.resume = a.resume;
  r.data = a.data;
  r.config_file = a.config_file;
  r.epochs = a.epochs;
  r.loader_threads = a.loader_threads;
  const auto defaults = train::TrainConfig{}.to_json();
  for (auto& [field, text] : a.fields)
    r.overrides[field] = field_value(field, text, defaults.at(field));
  if (a.device_given) r.overrides["device"] = a.runtime.device;
  return r;
}

// The run folder prepared as asked; errors get the flags that would fix them.
train::PreparedRun prepare_run(const TrainArgs& a) {
  try {
    return train::prepare_run(run_request(a),
                              [](const std::string& line) { std::cerr << line << "\n"; });
  } catch (const Error& e) {
    if (a.resume) throw;
    if (train::holds_run(a.run_dir)) fail(e.what(), " (--resume continues it)");
    if (a.data.photos.empty() && a.data.style.empty() && a.data.prepared.empty())
      fail(e.what(), ": --photos and --style, or --prepared DIR made by 'comicgan prepare'");
    throw;
  }
}

int run_training(TrainArgs& a) {
  apply_runtime_flags(a.runtime);
  auto run = prepare_run(a);
  if (run.prepared) std::cerr << data::summarize(*run.prepared);
  const auto& config = run.config;

  StopSignals signals(
      "\ncomicgan: interrupted; saving a checkpoint after this step (^C again: stop without "
      "saving)\n",
      "\ncomicgan: interrupted twice; stopped without saving (the last checkpoint is intact)\n");
  ProgressDisplay display(std::cerr, ProgressDisplay::stderr_is_terminal(), "step", "it");
  train::Trainer trainer(
      config, a.run_dir, *run.source,
      make_hooks(a.run_dir, run.data.val, config.image_size, signals.requested(), display));
  auto s = trainer.run(a.resume);
  display.finish();
  auto metrics = (fs::path(a.run_dir) / "metrics.jsonl").string();
  if (fs::exists(metrics) && fs::file_size(metrics) > 0)
    train::write_loss_curve(metrics, (fs::path(a.run_dir) / "loss_curve.png").string());
  std::cout << (s.stopped_early ? "stopped" : "finished") << " at step " << s.steps_done << "/"
            << config.steps << " after " << train::format_duration(s.seconds) << " (" << s.rollbacks
            << " rollbacks)\n"
            << "model: " << s.model_path << "\ncheckpoint: " << s.checkpoint_path << "\n";
  if (s.stopped_early)
    std::cout << "continue with: comicgan train -o " << a.run_dir << " --resume\n";
  return 0;
}

Command train_command(
    "train", "Train a style from two unpaired folders (photos, comic / anime pictures)",
    [](CLI::App& app) -> Runner {
      auto a = std::make_shared<TrainArgs>();
      app.add_option("--photos", a->data.photos, "folder of photos (searched recursively)");
      app.add_option("--style", a->data.style,
                     "folder of comic / anime pictures (searched recursively)");
      app.add_option("-o,--output", a->run_dir,
                     "run folder: model.cgm, checkpoints, samples, metrics")
          ->required();
      app.add_option("--val", a->data.val, "folder of photos shown in the sample grids (first 8)");
      app.add_option("--prepared", a->data.prepared,
                     "prepared-data folder (cache); default RUN_DIR/prepared");
      app.add_option("--short-side", a->data.short_side,
                     "prepare pictures at this shorter side (default: --image-size)");
      app.add_option("--photo-target", a->data.photo_target,
                     "prepare a classical rendering of each photo for --target-weight and "
                     "--gan-target-weight: meanshift or comic (see 'comicgan prepare --help')")
          ->check(CLI::IsMember(data::photo_target_names()));
      app.add_option("--epochs", a->epochs,
                     "train for this many passes over the photos (sets --steps)")
          ->check(CLI::PositiveNumber);
      app.add_option("--loader-threads", a->loader_threads, "threads preparing batches ahead")
          ->check(CLI::Range(0, 64))
          ->capture_default_str();
      app.add_flag("--resume", a->resume, "continue the run in RUN_DIR from its newest checkpoint");
      app.add_option("--config", a->config_file,
                     "JSON training config (the format of RUN_DIR/config.json)");
      add_runtime_flags(app, a->runtime);
      // One flag per config field, its kind, default and meaning shown; only those given apply.
      const auto defaults = train::TrainConfig{}.to_json();
      for (const auto& field : train::config_fields()) {
        const std::string name = field.name;
        if (name == "device") continue;  // --device comes with the runtime flags
        const auto& value = defaults.at(name);
        app.add_option_function<std::string>(
               flag_name(name), [a, name](const std::string& text) { a->fields[name] = text; },
               field.help)
            ->type_name(field.kind)
            ->default_str(value.is_string() ? value.get<std::string>() : value.dump())
            ->group("Training config");
      }
      return [a, &app]() {
        a->device_given = app.count("--device") > 0;
        return run_training(*a);
      };
    },
    45);

}  // namespace
}  // namespace comicgan::cli
