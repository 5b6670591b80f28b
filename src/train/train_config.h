// Everything that defines a training run, with AnimeGANv2's defaults. It is stored in every
// checkpoint and in RUN_DIR/config.json; `comicgan train --config FILE` reads the same JSON, and
// each field has a flag of the same name (with dashes).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace comicgan::train {

struct TrainConfig {
  // Models
  std::string arch = "animegan2";  // generator architecture (models/generator.h)
  nlohmann::json generator_options = nlohmann::json::object();
  std::string discriminator_arch = "animegan2";
  nlohmann::json discriminator_options = nlohmann::json::object();
  std::string vgg;  // torchvision vgg19 state_dict; "" = the shipped VGG19-relu3_1
  // A generator model (file or shipped name) of the same architecture whose weights start G
  // (fine-tuning from a look that already keeps structure); "" = random initialisation.
  std::string init_generator;

  // Schedule
  int64_t image_size = 256;
  int64_t batch_size = 4;
  int64_t steps = 20000;      // total steps, init steps included
  int64_t init_steps = 1000;  // content-only steps that first teach G to reconstruct photos
  int64_t d_every = 1;        // a discriminator step every N generator steps (reference: 1)
  uint64_t seed = 1;
  std::string device = "cpu";  // cpu, cuda or cuda:N
  // fp32, or bf16: the networks compute in bf16 while the weights, the optimizers, the EMA, the
  // losses and the checkpoints stay fp32 (mixed precision; no loss scaling: bf16 has fp32's range).
  std::string precision = "fp32";
  bool deterministic = false;

  // Optimisation (Adam, betas as the reference)
  double init_lr = 2e-4, g_lr = 2e-5, d_lr = 4e-5;
  double beta1 = 0.5, beta2 = 0.999;
  double grad_clip = 10.0;  // max L2 norm of each network's gradient; 0 disables
  double ema_decay = 0.999;

  // Losses
  std::string gan_loss = "lsgan";  // lsgan, bce or hinge
  double adv_weight = 300.0;       // generator's adversarial term
  double d_adv_weight = 300.0;     // discriminator's loss scale
  double content_weight = 1.5, style_weight = 2.5, color_weight = 10.0, tv_weight = 1.0;
  double d_real_weight = 1.7, d_fake_weight = 1.7, d_gray_weight = 1.7, d_smooth_weight = 1.0;
  double d_photo_weight = 0.0;  // D also judges the training photos "not the style" (0: off)
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
  int64_t snapshot_every = 100;  // in-memory good state the NaN guard rolls back to
  double nan_lr_factor = 0.5;    // learning rates are multiplied by this after a rollback
  int64_t max_rollbacks = 8;

  // Output
  std::string name = "trained";  // the style's name in model.cgm
  std::string description;       // what the look is, in a few words (`comicgan models`)
  std::string attribution;       // credit the style data asks for, written into model.cgm
  int64_t log_every = 10;
  int64_t checkpoint_every = 500;
  int64_t keep_checkpoints = 3;
  int64_t sample_every = 500;  // 0 disables sample grids

  nlohmann::json to_json() const;
  // Fields absent from `j` keep their current value; unknown fields are an error (typos).
  void merge_json(const nlohmann::json& j);
  void validate() const;  // throws comicgan::Error naming the bad field
};

}  // namespace comicgan::train
