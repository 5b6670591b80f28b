#include "train/train_config.h"

#include "comicgan/error.h"

namespace comicgan::train {

// One list of fields for saving, loading and help texts, so a new field cannot be saved but not
// loaded, nor given a flag without a meaning. Each: the field, its kind (how a flag's help names
// its value) and its meaning in one line.
#define COMICGAN_TRAIN_FIELDS(X)                                                                  \
  X(arch, TEXT, "generator architecture (models/generator.h), e.g. animegan2")                    \
  X(generator_options, JSON, "options of the generator architecture, e.g. {\"width\":0.5}")       \
  X(discriminator_arch, TEXT, "discriminator architecture")                                       \
  X(discriminator_options, JSON, "options of the discriminator, e.g. {\"channels\":32}")          \
  X(vgg, PATH, "torchvision vgg19 state_dict for the perceptual losses; empty: the shipped one")  \
  X(init_generator, PATH,                                                                         \
    "generator model (file or shipped name) whose weights start G; empty: random")                \
  X(image_size, INT, "side of the square training crops, in pixels")                              \
  X(batch_size, INT, "pictures per step")                                                         \
  X(steps, INT, "total steps, init steps included")                                               \
  X(init_steps, INT, "content-only steps that first teach G to reconstruct photos")               \
  X(d_every, INT, "a discriminator step every N generator steps (reference: 1)")                  \
  X(seed, INT, "seed of the initial weights and of the batches' order, crops and flips")          \
  X(device, TEXT, "cpu, cuda or cuda:N")                                                          \
  X(precision, TEXT, "fp32, or bf16: the networks compute in bf16, the rest stays fp32")          \
  X(deterministic, BOOL, "deterministic kernels on CUDA too (slower; CPU ones are already)")      \
  X(init_lr, FLOAT, "learning rate of the init phase (Adam)")                                     \
  X(g_lr, FLOAT, "generator learning rate in the GAN phase")                                      \
  X(d_lr, FLOAT, "discriminator learning rate")                                                   \
  X(beta1, FLOAT, "Adam beta1")                                                                   \
  X(beta2, FLOAT, "Adam beta2")                                                                   \
  X(grad_clip, FLOAT, "max L2 norm of each network's gradient; 0 disables")                       \
  X(ema_decay, FLOAT, "decay of the generator's moving average (the model written)")              \
  X(gan_loss, TEXT, "lsgan, bce or hinge")                                                        \
  X(adv_weight, FLOAT, "weight of the generator's adversarial term")                              \
  X(d_adv_weight, FLOAT, "scale of the discriminator's loss")                                     \
  X(content_weight, FLOAT, "weight of the VGG content term (the photo's structure kept)")         \
  X(style_weight, FLOAT, "weight of the Gram style term (the style's textures)")                  \
  X(color_weight, FLOAT, "weight of the colour term (the photo's colours kept, YUV)")             \
  X(tv_weight, FLOAT, "weight of the total variation term (smooth output)")                       \
  X(d_real_weight, FLOAT, "weight of D's verdict on style pictures")                              \
  X(d_fake_weight, FLOAT, "weight of D's verdict on generated pictures")                          \
  X(d_gray_weight, FLOAT, "weight of D's verdict on grayscale style pictures")                    \
  X(d_smooth_weight, FLOAT, "weight of D's verdict on edge-smoothed style pictures")              \
  X(d_photo_weight, FLOAT, "D also judges the training photos \"not the style\" (0: off)")        \
  X(lab_color_weight, FLOAT, "weight of the coarse Lab colour distance to the photo (0: off)")    \
  X(lab_color_factor, INT, "average-pooling factor of the Lab colour term")                       \
  X(flat_weight, FLOAT, "weight of the flat-regions term, truncated TV of the luma (0: off)")     \
  X(flat_threshold, FLOAT, "luma steps steeper than this (0-255 levels) are free of flat_weight") \
  X(target_weight, FLOAT, "L1 to the photo's pseudo-target in the init phase (0: off)")           \
  X(gan_target_weight, FLOAT, "L1 to the photo's pseudo-target in the GAN phase (0: off)")        \
  X(snapshot_every, INT, "steps between the in-memory good states the NaN guard rolls back to")   \
  X(nan_lr_factor, FLOAT, "learning rates are multiplied by this after a rollback")               \
  X(max_rollbacks, INT, "rollbacks allowed before training stops as diverged")                    \
  X(name, TEXT, "the style's name in model.cgm")                                                  \
  X(description, TEXT, "what the look is, in a few words (shown by 'comicgan models')")           \
  X(attribution, TEXT, "credit the style data asks for, written into model.cgm")                  \
  X(log_every, INT, "steps between progress lines and metrics records")                           \
  X(checkpoint_every, INT, "steps between checkpoints")                                           \
  X(keep_checkpoints, INT, "checkpoints kept, the newest")                                        \
  X(sample_every, INT, "steps between sample grids; 0 disables them")

const std::vector<ConfigFieldInfo>& config_fields() {
#define COMICGAN_INFO(field, kind, help) {#field, #kind, help},
  static const std::vector<ConfigFieldInfo> fields = {COMICGAN_TRAIN_FIELDS(COMICGAN_INFO)};
#undef COMICGAN_INFO
  return fields;
}

nlohmann::json TrainConfig::to_json() const {
  nlohmann::json j;
#define COMICGAN_SAVE(field, kind, help) j[#field] = field;
  COMICGAN_TRAIN_FIELDS(COMICGAN_SAVE)
#undef COMICGAN_SAVE
  return j;
}

void TrainConfig::merge_json(const nlohmann::json& j) {
  check(j.is_object(), "training config must be a JSON object, found ", j.dump());
  for (auto& [key, value] : j.items()) {
    bool known = false;
    try {
#define COMICGAN_LOAD(field, kind, help) \
  if (key == #field) {                   \
    value.get_to(field);                 \
    known = true;                        \
  }
      COMICGAN_TRAIN_FIELDS(COMICGAN_LOAD)
#undef COMICGAN_LOAD
    } catch (const nlohmann::json::exception& e) {
      fail("training config field '", key, "': ", value.dump(), " has the wrong type (", e.what(),
           ")");
    }
    check(known, "unknown training config field '", key, "'");
  }
}

void TrainConfig::validate() const {
  check(image_size >= 16 && image_size <= 4096, "image_size must be in [16, 4096], found ",
        image_size);
  check(image_size % 4 == 0, "image_size must be a multiple of 4, found ", image_size);
  check(batch_size >= 1 && batch_size <= 1024, "batch_size must be in [1, 1024], found ",
        batch_size);
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
