// Everything that defines a training run, with AnimeGANv2's defaults. It is stored in every
// checkpoint and in RUN_DIR/config.json; `comicgan train --config FILE` reads the same JSON, and
// each field has a flag of the same name (with dashes). Each field's meaning, in one line, is in
// the field list of train_config.cpp (config_fields(), shown by `comicgan train --help`); the
// comments here say why where a line is not enough.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace comicgan::train {

struct TrainConfig {
  // Models
  std::string arch = "animegan2";
  nlohmann::json generator_options = nlohmann::json::object();
  std::string discriminator_arch = "animegan2";
  nlohmann::json discriminator_options = nlohmann::json::object();
  std::string vgg;
  // A generator model (file or shipped name) of the same architecture whose weights start G
  // (fine-tuning from a look that already keeps structure); "" = random initialisation.
  std::string init_generator;

  // Schedule
  int64_t image_size = 256;
  int64_t batch_size = 4;
  int64_t steps = 20000;
  int64_t init_steps = 1000;
  int64_t d_every = 1;
  uint64_t seed = 1;
  std::string device = "cpu";
  // fp32, or bf16: the networks compute in bf16 while the weights, the optimizers, the EMA, the
  // losses and the checkpoints stay fp32 (mixed precision; no loss scaling: bf16 has fp32's range).
  std::string precision = "fp32";
  bool deterministic = false;

  // Optimisation (Adam, betas as the reference)
  double init_lr = 2e-4, g_lr = 2e-5, d_lr = 4e-5;
  double beta1 = 0.5, beta2 = 0.999;
  double grad_clip = 10.0;
  double ema_decay = 0.999;

  // Losses
  std::string gan_loss = "lsgan";
  double adv_weight = 300.0;
  double d_adv_weight = 300.0;
  double content_weight = 1.5, style_weight = 2.5, color_weight = 10.0, tv_weight = 1.0;
  double d_real_weight = 1.7, d_fake_weight = 1.7, d_gray_weight = 1.7, d_smooth_weight = 1.0;
  double d_photo_weight = 0.0;
  // Colour kept at a coarse scale: CIE76 distance in Lab between photo and output, both
  // average-pooled by lab_color_factor (0: off). Also in the init phase when on.
  double lab_color_weight = 0.0;
  int64_t lab_color_factor = 8;
  // Flat, cel-like regions: truncated total variation of the luma, differences steeper than
  // flat_threshold (0-255 levels) free (0: off). GAN phase only.
  double flat_weight = 0.0;
  double flat_threshold = 6.0;
  // Pseudo-targets: L1 (RGB in [-1,1]) between G's output and the classical rendering prepared
  // beside each photo (data/prepare.h's photo_target), in the init phase (target_weight) and in
  // the GAN phase (gan_target_weight). A fast, supervised start towards flat colour-kept regions
  // that the GAN phase then turns into the style. 0: off; on needs data with pseudo-targets.
  double target_weight = 0.0;
  double gan_target_weight = 0.0;

  // Stability
  int64_t snapshot_every = 100;
  double nan_lr_factor = 0.5;
  int64_t max_rollbacks = 8;

  // Output
  std::string name = "trained";
  std::string description;
  std::string attribution;
  int64_t log_every = 10;
  int64_t checkpoint_every = 500;
  int64_t keep_checkpoints = 3;
  int64_t sample_every = 500;

  nlohmann::json to_json() const;
  // Fields absent from `j` keep their current value; unknown fields are an error (typos).
  void merge_json(const nlohmann::json& j);
  void validate() const;  // throws comicgan::Error naming the bad field
};

// A field of TrainConfig for help texts: its name (as in the JSON), the kind of its value (INT,
// FLOAT, BOOL, TEXT, PATH or JSON) and its meaning in one line.
struct ConfigFieldInfo {
  const char* name;
  const char* kind;
  const char* help;
};
// Every field, in the order of to_json's list.
const std::vector<ConfigFieldInfo>& config_fields();

}  // namespace comicgan::train
