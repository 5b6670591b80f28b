#include "train/trainer.h"

#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>

#include "comicgan/error.h"
#include "io/atomic_file.h"
#include "io/model_file.h"
#include "models/discriminator.h"
#include "models/generator.h"
#include "models/model_store.h"
#include "models/vgg.h"
#include "train/channels_last.h"
#include "train/checkpoint.h"
#include "train/ema.h"
#include "train/losses.h"

namespace comicgan::train {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using Losses = std::map<std::string, double>;

namespace {

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

void set_learning_rate(torch::optim::Optimizer& optimizer, double lr) {
  for (auto& group : optimizer.param_groups())
    static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
}

void set_requires_grad(torch::nn::Module& module, bool on) {
  for (auto& p : module.parameters()) p.set_requires_grad(on);
}

// Clips the gradient norm (when max_norm > 0) and returns it; non-finite when a gradient is.
double clip_gradients(torch::nn::Module& module, double max_norm) {
  double limit = max_norm > 0 ? max_norm : std::numeric_limits<double>::infinity();
  return torch::nn::utils::clip_grad_norm_(module.parameters(), limit);
}

// Mixed precision: the bf16 copy that computed hands its gradients back to the fp32 weights
// (moved: the copy's are cleared), with its buffers (spectral-norm vectors).
void store_gradients(torch::nn::Module& master, torch::nn::Module& run) {
  torch::NoGradGuard no_grad;
  auto to = master.parameters(), from = run.parameters();
  for (size_t i = 0; i < to.size(); ++i) {
    auto& grad = from[i].mutable_grad();
    // In the fp32 weight's own layout (the copy's convolutions are channels_last).
    to[i].mutable_grad() = grad.defined() ? at::empty_like(to[i]).copy_(grad) : at::Tensor();
    grad.reset();
  }
  copy_buffers(master, run);
}

// A bf16 copy of a network for computing: its buffers (spectral-norm vectors) stay fp32.
template <class Net>
std::shared_ptr<Net> bf16_copy(std::shared_ptr<Net> net, torch::Device device) {
  net->to(device);
  to_bf16_channels_last(*net);
  for (auto& b : net->buffers()) b.set_data(b.to(torch::kFloat));
  return net;
}

}  // namespace

struct Trainer::Impl {
  TrainConfig config;
  std::string run_dir;
  data::BatchSource& data;
  TrainHooks hooks;

  torch::Device device{torch::kCPU};
  GanLoss gan = GanLoss::lsgan;
  std::shared_ptr<models::Generator> g, ema;
  std::shared_ptr<models::Discriminator> d;
  std::shared_ptr<models::PerceptualNet> vgg;
  // What computes: g, d and vgg themselves in fp32; in bf16, copies of g and d that take their
  // weights each step and hand back gradients (vgg, frozen, is converted in place).
  bool bf16 = false;
  std::shared_ptr<models::Generator> g_run;
  std::shared_ptr<models::Discriminator> d_run;
  std::unique_ptr<torch::optim::Adam> init_opt, g_opt, d_opt;
  TrainingState state;
  std::string snapshot;  // the NaN guard's last good state
  int64_t snapshot_step = -1;

  Impl(TrainConfig c, std::string dir, data::BatchSource& source, TrainHooks h)
      : config(std::move(c)), run_dir(std::move(dir)), data(source), hooks(std::move(h)) {}

  void log(const std::string& line) {
    if (hooks.log) hooks.log(line);
  }

  void build() {
    config.validate();
    gan = parse_gan_loss(config.gan_loss);
    device = torch::Device(config.device);
    check_option(!device.is_cuda() || torch::cuda::is_available(), "device", config.device,
                 ": this build of LibTorch sees no CUDA device");
    torch::manual_seed(config.seed);
    if (config.deterministic && device.is_cuda()) {
      // CPU kernels are deterministic already; on CUDA, prefer deterministic ones (warn where
      // an op has none, e.g. bilinear upsampling's backward).
      at::globalContext().setDeterministicCuDNN(true);
      at::globalContext().setBenchmarkCuDNN(false);
      at::globalContext().setDeterministicAlgorithms(true, /*warn_only=*/true);
    }
    g = models::make_generator(config.arch, config.generator_options);
    ema = models::make_generator(config.arch, config.generator_options);
    d = models::make_discriminator(config.discriminator_arch, config.discriminator_options);
    vgg = config.vgg.empty() ? models::default_perceptual_net()
                             : models::load_perceptual_net(config.vgg);
    g->to(device);
    ema->to(device);
    d->to(device);
    vgg->to(device);
    bf16 = config.precision == "bf16";
    if (bf16) {
      g_run = bf16_copy(models::make_generator(config.arch, config.generator_options), device);
      d_run = bf16_copy(
          models::make_discriminator(config.discriminator_arch, config.discriminator_options),
          device);
      to_bf16_channels_last(*vgg);
    } else {
      g_run = g;
      d_run = d;
    }
    ema->eval();
    set_requires_grad(*ema, false);
    auto adam = [&](torch::nn::Module& m, double lr) {
      return std::make_unique<torch::optim::Adam>(
          m.parameters(), torch::optim::AdamOptions(lr).betas({config.beta1, config.beta2}));
    };
    init_opt = adam(*g, config.init_lr);
    g_opt = adam(*g, config.g_lr);
    d_opt = adam(*d, config.d_lr);
    state.generator = g.get();
    state.discriminator = d.get();
    state.ema = ema.get();
    state.init_optimizer = init_opt.get();
    state.g_optimizer = g_opt.get();
    state.d_optimizer = d_opt.get();
  }

  void apply_learning_rates() {
    set_learning_rate(*init_opt, config.init_lr * state.lr_scale);
    set_learning_rate(*g_opt, config.g_lr * state.lr_scale);
    set_learning_rate(*d_opt, config.d_lr * state.lr_scale);
  }

  // A network's input in the precision it computes in, and its output back in fp32 for losses.
  at::Tensor run_input(const at::Tensor& t) const {
    if (!bf16) return t;
    return t.to(torch::kBFloat16).contiguous(at::MemoryFormat::ChannelsLast);
  }
  static at::Tensor fp32(const at::Tensor& t) { return t.to(torch::kFloat); }
  // A bf16 network's output, whose gradient must come back channels_last (train/channels_last.h).
  at::Tensor run_output(const at::Tensor& t) const { return bf16 ? channels_last_gradient(t) : t; }
  void load_run_weights(torch::nn::Module& run, const torch::nn::Module& master) {
    if (bf16) copy_weights(run, master);
  }
  void store_run_gradients(torch::nn::Module& master, torch::nn::Module& run) {
    if (bf16) store_gradients(master, run);
  }

  data::TrainingBatch fetch(int64_t step) {
    auto b = data.batch(step);
    check(b.photo.defined() && b.photo.dim() == 4 && b.photo.size(1) == 3, "training data: batch ",
          step, " has no (N,3,H,W) photo tensor");
    auto move = [&](const at::Tensor& t) { return t.to(device, torch::kFloat); };
    const bool wants_target =
        (step < config.init_steps ? config.target_weight : config.gan_target_weight) > 0;
    check(!wants_target || (b.photo_target.defined() && b.photo_target.sizes() == b.photo.sizes()),
          "training data: the target weights need photos prepared with a pseudo-target, and "
          "batch ",
          step, " has none");
    data::TrainingBatch out{move(b.photo), move(b.style), move(b.style_gray), move(b.style_smooth)};
    if (wants_target) out.photo_target = move(b.photo_target);
    return out;
  }

  // The init phase: teach G to reproduce the photo's content. False when a value is not finite.
  bool init_step(const data::TrainingBatch& b, Losses& out, std::string& bad) {
    load_run_weights(*g_run, *g);
    g_run->train();
    const at::Tensor photo = run_input(b.photo);  // converted once, read twice
    at::Tensor photo_features;
    {
      torch::NoGradGuard no_grad;
      photo_features = fp32(vgg->forward(photo));
    }
    auto fake = run_output(g_run->forward(photo));
    auto loss =
        config.content_weight * content_loss(photo_features, fp32(run_output(vgg->forward(fake))));
    out["init_content"] = loss.item<double>();
    loss = loss + look_terms(b.photo, fp32(fake), "init_", out, /*flat=*/false);
    loss = loss + target_term(b, fp32(fake), config.target_weight, "init_target", out);
    init_opt->zero_grad();
    loss.backward();
    store_run_gradients(*g, *g_run);
    out["g_grad_norm"] = clip_gradients(*g, config.grad_clip);
    for (auto& [key, value] : out)
      if (!std::isfinite(value)) return bad = key, false;
    init_opt->step();
    return true;
  }

  // The colour and flatness terms (off at weight 0). The init phase leaves flatness out: from a
  // blurry start every gradient is below the threshold, and the term would flatten the picture
  // to one tone before G learnt any edge.
  at::Tensor look_terms(const at::Tensor& photo, const at::Tensor& fake32, const char* prefix,
                        Losses& out, bool flat_term = true) {
    auto total = torch::zeros({}, fake32.options());
    if (config.lab_color_weight > 0) {
      auto lab = config.lab_color_weight * lab_color_loss(photo, fake32, config.lab_color_factor);
      out[std::string(prefix) + "lab_color"] = lab.item<double>();
      total = total + lab;
    }
    if (flat_term && config.flat_weight > 0) {
      auto flat = config.flat_weight * flat_loss(fake32, config.flat_threshold);
      out[std::string(prefix) + "flat"] = flat.item<double>();
      total = total + flat;
    }
    return total;
  }

  // L1 to the photos' pseudo-targets (off at weight 0).
  at::Tensor target_term(const data::TrainingBatch& b, const at::Tensor& fake32, double weight,
                         const char* name, Losses& out) {
    if (weight <= 0) return torch::zeros({}, fake32.options());
    auto term = weight * (fake32 - b.photo_target).abs().mean();
    out[name] = term.item<double>();
    return term;
  }

  bool gan_step(const data::TrainingBatch& b, bool train_d, Losses& out, std::string& bad) {
    load_run_weights(*g_run, *g);
    g_run->train();
    const at::Tensor photo = run_input(b.photo);  // for G, and for D with the photo term
    auto fake = run_output(g_run->forward(photo));
    if (train_d) {
      load_run_weights(*d_run, *d);
      d_run->train();  // one power iteration of spectral norm per D step
      set_requires_grad(*d_run, true);
      const int64_t n = b.style.size(0);
      const bool judge_photos = config.d_photo_weight > 0;
      // One forward for all kinds of images: per-sample LayerNorm makes this equal to one each.
      std::vector<at::Tensor> shown = {run_input(b.style), fake.detach(), run_input(b.style_gray),
                                       run_input(b.style_smooth)};
      if (judge_photos) shown.push_back(photo);
      auto parts = fp32(d_run->forward(torch::cat(shown))).split(n);
      check(parts.size() == shown.size() && fake.size(0) == n && b.style_gray.size(0) == n &&
                b.style_smooth.size(0) == n && (!judge_photos || b.photo.size(0) == n),
            "training data: photo, style, grayscale and smoothed batches differ in size");
      auto dl =
          discriminator_loss(gan, parts[0], parts[1], parts[2], parts[3],
                             {config.d_real_weight, config.d_fake_weight, config.d_gray_weight,
                              config.d_smooth_weight, config.d_photo_weight},
                             judge_photos ? parts[4] : at::Tensor());
      auto d_total = config.d_adv_weight * dl.total;
      out["d_total"] = d_total.item<double>();
      out["d_real"] = dl.real.item<double>();
      out["d_fake"] = dl.fake.item<double>();
      out["d_gray"] = dl.gray.item<double>();
      out["d_smooth"] = dl.smooth.item<double>();
      if (judge_photos) out["d_photo"] = dl.photo.item<double>();
      d_opt->zero_grad();
      d_total.backward();
      store_run_gradients(*d, *d_run);
      out["d_grad_norm"] = clip_gradients(*d, config.grad_clip);
      for (auto& [key, value] : out)
        if (!std::isfinite(value)) return bad = key, false;
      d_opt->step();
    }

    // Generator step: D judges with its stored spectral-norm vectors and its weights frozen, so
    // no D weight gradients are computed.
    load_run_weights(*d_run, *d);
    d_run->eval();
    set_requires_grad(*d_run, false);
    at::Tensor photo_features, gray_features;
    {
      torch::NoGradGuard no_grad;
      auto both = fp32(vgg->forward(run_input(torch::cat({b.photo, b.style_gray})))).chunk(2);
      photo_features = both[0];
      gray_features = both[1];
    }
    auto fake_features = fp32(run_output(vgg->forward(fake)));
    auto adv = config.adv_weight * generator_adversarial_loss(gan, fp32(d_run->forward(fake)));
    auto fake32 = fp32(fake);
    auto content = config.content_weight * content_loss(photo_features, fake_features);
    auto style = config.style_weight * style_loss(gray_features, fake_features);
    auto color = config.color_weight * color_loss(b.photo, fake32);
    auto tv = config.tv_weight * total_variation_loss(fake32);
    auto total = adv + content + style + color + tv + look_terms(b.photo, fake32, "", out) +
                 target_term(b, fake32, config.gan_target_weight, "target", out);
    out["g_total"] = total.item<double>();
    out["g_adv"] = adv.item<double>();
    out["content"] = content.item<double>();
    out["style"] = style.item<double>();
    out["color"] = color.item<double>();
    out["tv"] = tv.item<double>();
    g_opt->zero_grad();
    total.backward();
    store_run_gradients(*g, *g_run);
    set_requires_grad(*d_run, true);
    out["g_grad_norm"] = clip_gradients(*g, config.grad_clip);
    for (auto& [key, value] : out)
      if (!std::isfinite(value)) return bad = key, false;
    g_opt->step();
    return true;
  }

  // G's weights from a generator model file of the same architecture and options.
  void start_from(const std::string& model) {
    auto loaded = models::load_model(model);
    const auto arch = loaded.meta.value("architecture", std::string());
    const auto options = loaded.meta.value("options", nlohmann::json::object());
    check(arch == config.arch && options == g->options(), "init generator ", model, " is ", arch,
          " ", options.dump(), ", but this run trains ", config.arch, " ", g->options().dump());
    loaded.generator->to(device);
    copy_weights(*g, *loaded.generator);
    log("generator starts from " + loaded.source);
  }

  void take_snapshot() {
    snapshot = save_state_bytes(state);
    snapshot_step = state.step;
  }

  void rollback(int64_t bad_step, const std::string& what) {
    const int64_t rollbacks = state.rollbacks + 1;
    check(rollbacks <= config.max_rollbacks, "training diverged: ", what, " is not finite at step ",
          bad_step, " after ", state.rollbacks,
          " rollbacks; lower the learning rates (--g-lr, --d-lr) or --adv-weight, or check the "
          "data");
    const double scale = state.lr_scale * config.nan_lr_factor;
    load_state_bytes(snapshot, state, config.device, "the NaN guard's snapshot");
    state.lr_scale = scale;
    state.rollbacks = rollbacks;
    apply_learning_rates();
    char line[256];
    std::snprintf(line, sizeof line,
                  "step %lld: %s is not finite; rolled back to step %lld, learning rates x%g",
                  (long long)bad_step, what.c_str(), (long long)snapshot_step, scale);
    log(line);
  }

  at::Tensor generate_samples(const at::Tensor& photos) {
    torch::NoGradGuard no_grad;
    return ema->forward(photos.to(device)).to(torch::kCPU);
  }

  nlohmann::json provenance() const {
    return {{"trained_by", std::string("comicgan train ") + COMICGAN_VERSION},
            {"steps", state.step},
            {"image_size", config.image_size},
            {"batch_size", config.batch_size},
            {"seed", config.seed},
            {"gan_loss", config.gan_loss},
            {"perceptual_net", vgg->description()}};
  }

  io::ModelFile generator_file() const {
    auto file = models::generator_model_file(config.arch, *ema, config.name, provenance());
    if (!config.description.empty()) file.meta["description"] = config.description;
    if (!config.attribution.empty()) file.meta["attribution"] = config.attribution;
    return file;
  }

  void write_models(TrainSummary& summary) {
    summary.model_path = (fs::path(run_dir) / "model.cgm").string();
    io::write_model_file(summary.model_path, generator_file());

    io::ModelFile disc;
    disc.meta = {{"kind", "discriminator"},
                 {"architecture", config.discriminator_arch},
                 {"options", d->options()},
                 {"name", config.name},
                 {"provenance", provenance()}};
    disc.tensors = models::state_dict(*d);
    summary.discriminator_path = (fs::path(run_dir) / "discriminator.cgm").string();
    io::write_model_file(summary.discriminator_path, disc);
  }

  void checkpoint(TrainSummary& summary) {
    summary.checkpoint_path = save_checkpoint(run_dir, state, config.keep_checkpoints);
    write_models(summary);
    log("step " + std::to_string(state.step) + ": saved " + summary.checkpoint_path);
  }

  TrainSummary run(bool resume);
};

TrainSummary Trainer::Impl::run(bool resume) {
  const auto started = Clock::now();
  build();
  fs::create_directories(run_dir);
  TrainSummary summary;
  int64_t resume_step = -1;
  if (resume) {
    auto path = load_latest_checkpoint(run_dir, state, config.device);
    resume_step = state.step;
    log("resumed from " + path + " at step " + std::to_string(state.step));
  } else {
    check(list_checkpoints(run_dir).empty(), run_dir,
          " already holds checkpoints of a run: pass --resume to continue it, or choose another "
          "output folder");
    if (!config.init_generator.empty()) start_from(config.init_generator);
    ema_update(*ema, *g, 0.0);
  }
  state.config = config.to_json();
  io::write_file_atomically((fs::path(run_dir) / "config.json").string(),
                            state.config.dump(2) + "\n");
  apply_learning_rates();
  MetricsLog metrics((fs::path(run_dir) / "metrics.jsonl").string(), resume_step);

  at::Tensor sample_photos = hooks.sample_photos;
  if (hooks.samples && !sample_photos.defined()) {
    auto first = data.batch(0).photo;
    sample_photos = first.slice(0, 0, std::min<int64_t>(4, first.size(0))).clone();
    data.take_wait_seconds();
  }

  summary.start_step = state.step;
  take_snapshot();
  LossWindow window;
  auto window_start = Clock::now();
  int64_t window_steps = 0;
  double window_wait = 0;
  while (state.step < config.steps) {
    if (hooks.should_stop && hooks.should_stop(state.step)) {
      summary.stopped_early = true;
      break;
    }
    const int64_t step = state.step;
    auto batch = fetch(step);
    window_wait += data.take_wait_seconds();
    Losses losses;
    std::string bad;
    const bool init = step < config.init_steps;
    const bool ok =
        init ? init_step(batch, losses, bad)
             : gan_step(batch, (step - config.init_steps) % config.d_every == 0, losses, bad);
    if (!ok) {
      rollback(step, bad);
      continue;
    }
    ema_update(*ema, *g, ema_decay_at(config.ema_decay, step));
    state.step = step + 1;
    window.add(losses);
    ++window_steps;

    if (state.step % config.log_every == 0 || state.step == config.steps) {
      ProgressInfo info;
      info.step = state.step;
      info.total_steps = config.steps;
      info.phase = init ? "init" : "gan";
      const double window_seconds = seconds_since(window_start);
      info.steps_per_second = window_steps / std::max(window_seconds, 1e-9);
      info.eta_seconds = double(config.steps - state.step) / std::max(info.steps_per_second, 1e-9);
      info.elapsed_seconds = seconds_since(started);
      info.data_wait_fraction = std::min(1.0, window_wait / std::max(window_seconds, 1e-9));
      info.lr_scale = state.lr_scale;
      info.losses = window.means();
      summary.last_losses = info.losses;
      metrics.append(progress_record(info));
      if (hooks.progress) hooks.progress(info);
      window.clear();
      window_start = Clock::now();
      window_steps = 0;
      window_wait = 0;
    }
    if (state.step % config.snapshot_every == 0) take_snapshot();
    if (hooks.samples && config.sample_every > 0 && state.step % config.sample_every == 0)
      hooks.samples(state.step, sample_photos, generate_samples(sample_photos));
    if (state.step % config.checkpoint_every == 0 && state.step < config.steps) checkpoint(summary);
  }

  checkpoint(summary);
  if (hooks.samples && config.sample_every > 0 && !summary.stopped_early &&
      state.step % config.sample_every != 0)
    hooks.samples(state.step, sample_photos, generate_samples(sample_photos));
  summary.steps_done = state.step;
  summary.rollbacks = state.rollbacks;
  summary.seconds = seconds_since(started);
  nlohmann::json s = {{"steps_done", summary.steps_done},
                      {"start_step", summary.start_step},
                      {"stopped_early", summary.stopped_early},
                      {"rollbacks", summary.rollbacks},
                      {"seconds", summary.seconds},
                      {"last_losses", summary.last_losses},
                      {"model", summary.model_path},
                      {"checkpoint", summary.checkpoint_path}};
  io::write_file_atomically((fs::path(run_dir) / "summary.json").string(), s.dump(2) + "\n");
  return summary;
}

Trainer::Trainer(TrainConfig config, std::string run_dir, data::BatchSource& data, TrainHooks hooks)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(run_dir), data, std::move(hooks))) {
}
Trainer::~Trainer() = default;
TrainSummary Trainer::run(bool resume) { return impl_->run(resume); }

}  // namespace comicgan::train
