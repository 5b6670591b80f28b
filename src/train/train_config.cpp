#include "train/train_config.h"

#include "comicgan/error.h"

namespace comicgan::train {

// One list of fields for both directions, so a new field cannot be saved but not loaded.
#define COMICGAN_TRAIN_FIELDS(X)                                                           \
  X(arch) X(generator_options) X(discriminator_arch) X(discriminator_options) X(vgg)       \
  X(init_generator)                                                                        \
  X(image_size) X(batch_size) X(steps) X(init_steps) X(d_every) X(seed) X(device)          \
  X(precision) X(deterministic) X(init_lr) X(g_lr) X(d_lr) X(beta1) X(beta2)               \
  X(grad_clip) X(ema_decay) X(gan_loss) X(adv_weight) X(d_adv_weight) X(content_weight)    \
  X(style_weight) X(color_weight) X(tv_weight) X(d_real_weight) X(d_fake_weight)           \
  X(d_gray_weight) X(d_smooth_weight) X(d_photo_weight) X(lab_color_weight)                \
  X(lab_color_factor) X(flat_weight) X(flat_threshold) X(target_weight)                    \
  X(gan_target_weight) X(snapshot_every) X(nan_lr_factor)                                  \
  X(max_rollbacks) X(name) X(description) X(attribution) X(log_every) X(checkpoint_every)  \
  X(keep_checkpoints) X(sample_every)

nlohmann::json TrainConfig::to_json() const {
  nlohmann::json j;
#define COMICGAN_SAVE(field) j[#field] = field;
  COMICGAN_TRAIN_FIELDS(COMICGAN_SAVE)
#undef COMICGAN_SAVE
  return j;
}

void TrainConfig::merge_json(const nlohmann::json& j) {
  check(j.is_object(), "training config must be a JSON object, found ", j.dump());
  for (auto& [key, value] : j.items()) {
    bool known = false;
    try {
#define COMICGAN_LOAD(field)      \
  if (key == #field) {            \
    value.get_to(field);          \
    known = true;                 \
  }
      COMICGAN_TRAIN_FIELDS(COMICGAN_LOAD)
#undef COMICGAN_LOAD
    } catch (const nlohmann::json::exception& e) {
      fail("training config field '", key, "': ", value.dump(), " has the wrong type (",
           e.what(), ")");
    }
    check(known, "unknown training config field '", key, "'");
  }
}

void TrainConfig::validate() const {
  check(image_size >= 16 && image_size <= 4096, "image_size must be in [16, 4096], found ",
        image_size);
  check(image_size % 4 == 0, "image_size must be a multiple of 4, found ", image_size);
  check(batch_size >= 1 && batch_size <= 1024, "batch_size must be in [1, 1024], found ", batch_size);
  check(steps >= 1, "steps must be at least 1, found ", steps);
  check(init_steps >= 0, "init_steps must be >= 0, found ", init_steps);
  check(precision == "fp32" || precision == "bf16", "precision must be fp32 or bf16, found '",
        precision, "'");
  check(d_every >= 1, "d_every must be >= 1, found ", d_every);
  for (double lr : {init_lr, g_lr, d_lr})
    check(lr > 0 && lr < 1, "learning rates must be in (0, 1), found ", lr);
  check(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1, "Adam betas must be in [0, 1)");
  check(grad_clip >= 0, "grad_clip must be >= 0, found ", grad_clip);
  check(ema_decay >= 0 && ema_decay < 1, "ema_decay must be in [0, 1), found ", ema_decay);
  for (double w : {adv_weight, d_adv_weight, content_weight, style_weight, color_weight, tv_weight,
                   d_real_weight, d_fake_weight, d_gray_weight, d_smooth_weight, d_photo_weight,
                   lab_color_weight, flat_weight, target_weight, gan_target_weight})
    check(w >= 0, "loss weights must be >= 0, found ", w);
  check(lab_color_factor >= 1 && lab_color_factor <= image_size,
        "lab_color_factor must be in [1, image_size], found ", lab_color_factor);
  check(flat_threshold > 0 && flat_threshold <= 255, "flat_threshold must be in (0, 255], found ",
        flat_threshold);
  check(snapshot_every >= 1, "snapshot_every must be >= 1, found ", snapshot_every);
  check(nan_lr_factor > 0 && nan_lr_factor < 1, "nan_lr_factor must be in (0, 1), found ",
        nan_lr_factor);
  check(max_rollbacks >= 0, "max_rollbacks must be >= 0");
  check(log_every >= 1, "log_every must be >= 1, found ", log_every);
  check(checkpoint_every >= 1, "checkpoint_every must be >= 1, found ", checkpoint_every);
  check(keep_checkpoints >= 1, "keep_checkpoints must be >= 1, found ", keep_checkpoints);
  check(sample_every >= 0, "sample_every must be >= 0, found ", sample_every);
  check(!name.empty(), "name must not be empty");
}

}  // namespace comicgan::train
