// The training loop on tiny networks and images (seconds): resume equals an uninterrupted run
// bit for bit, losses move the right way, the NaN guard rolls back, outputs load.
#include "train/trainer.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>

#include "comicgan/error.h"
#include "error_message.h"
#include "io/model_file.h"
#include "models/discriminator.h"
#include "models/generator.h"
#include "models/model_store.h"
#include "test_paths.h"
#include "train/checkpoint.h"
#include "train/synthetic_batches.h"

using namespace comicgan;
namespace fs = std::filesystem;

namespace {

train::TrainConfig tiny_config() {
  train::TrainConfig c;
  c.generator_options = {{"width", 0.125}};
  c.discriminator_options = {{"channels", 8}, {"layers", 2}};
  c.image_size = 32;
  c.batch_size = 2;
  c.steps = 10;
  c.init_steps = 4;
  c.seed = 3;
  c.log_every = 2;
  c.snapshot_every = 3;
  c.checkpoint_every = 1000;
  c.sample_every = 0;
  c.deterministic = true;
  return c;
}

// A run folder that does not exist yet, inside a scratch folder of its own.
struct TempDir {
  fs::path root, path;
  explicit TempDir(const std::string& name)
      : root(comicgan_test::scratch_folder("train-" + name)), path(root / "run") {}
  ~TempDir() { fs::remove_all(root); }
  std::string str() const { return path.string(); }
};

std::vector<nlohmann::json> read_metrics(const std::string& run_dir) {
  std::vector<nlohmann::json> out;
  std::ifstream in(run_dir + "/metrics.jsonl");
  std::string line;
  while (std::getline(in, line)) out.push_back(nlohmann::json::parse(line));
  return out;
}

void expect_same_tensors(const std::string& a, const std::string& b) {
  auto fa = io::read_model_file(a), fb = io::read_model_file(b);
  ASSERT_EQ(fa.tensors.size(), fb.tensors.size());
  for (size_t i = 0; i < fa.tensors.size(); ++i) {
    EXPECT_EQ(fa.tensors[i].first, fb.tensors[i].first);
    EXPECT_TRUE(torch::equal(fa.tensors[i].second, fb.tensors[i].second))
        << a << " vs " << b << ": " << fa.tensors[i].first << " differs by "
        << (fa.tensors[i].second - fb.tensors[i].second).abs().max().item<float>();
  }
}

// Runs 10 steps whole and as 7 + resumed 3, and expects the same weights bit for bit.
void expect_resume_equals_whole_run(const train::TrainConfig& config, const std::string& label) {
  TempDir whole(label + "whole"), parts(label + "parts");
  {
    comicgan::testing::SyntheticBatches data(config.batch_size, config.image_size);
    auto s = train::Trainer(config, whole.str(), data).run(false);
    EXPECT_EQ(s.steps_done, 10);
    EXPECT_FALSE(s.stopped_early);
  }
  {
    comicgan::testing::SyntheticBatches data(config.batch_size, config.image_size);
    train::TrainHooks hooks;
    hooks.should_stop = [](int64_t step) { return step == 7; };  // after 7 steps, in the GAN phase
    auto s = train::Trainer(config, parts.str(), data, hooks).run(false);
    EXPECT_TRUE(s.stopped_early);
    EXPECT_EQ(s.steps_done, 7);
    EXPECT_EQ(train::list_checkpoints(parts.str()).size(), 1u);
  }
  {
    comicgan::testing::SyntheticBatches data(config.batch_size, config.image_size);
    auto s = train::Trainer(config, parts.str(), data).run(true);
    EXPECT_EQ(s.start_step, 7);
    EXPECT_EQ(s.steps_done, 10);
  }
  expect_same_tensors(whole.str() + "/model.cgm", parts.str() + "/model.cgm");
  expect_same_tensors(whole.str() + "/discriminator.cgm", parts.str() + "/discriminator.cgm");
  for (auto& [name, t] : io::read_model_file(whole.str() + "/model.cgm").tensors)
    EXPECT_EQ(t.scalar_type(), at::kFloat) << name << ": the shipped weights stay fp32";
  auto metrics = read_metrics(parts.str());
  ASSERT_FALSE(metrics.empty());
  EXPECT_EQ(metrics.back()["step"], 10);
  int64_t previous = 0;
  for (auto& m : metrics) {  // each reported step once, in order, despite the interruption
    EXPECT_GT(m["step"].get<int64_t>(), previous);
    previous = m["step"].get<int64_t>();
  }
}

// 60 steps: the init phase's content loss and the GAN phase's D loss go down.
void expect_losses_move_the_right_way(train::TrainConfig config, const std::string& label) {
  TempDir dir(label + "losses");
  config.steps = 60;
  config.init_steps = 30;
  config.init_lr = 2e-3;
  config.d_lr = 1e-3;
  config.log_every = 5;
  comicgan::testing::SyntheticBatches data(config.batch_size, config.image_size);
  train::Trainer(config, dir.str(), data).run(false);
  auto metrics = read_metrics(dir.str());
  ASSERT_EQ(metrics.size(), 12u);
  // Init phase: the generator learns to reproduce the photos' content.
  double first = metrics[0]["init_content"], last = metrics[5]["init_content"];
  EXPECT_LT(last, 0.9 * first) << "content loss " << first << " -> " << last;
  // GAN phase: the discriminator learns to tell style images from the rest.
  double d_first = metrics[6]["d_total"], d_last = metrics[11]["d_total"];
  EXPECT_LT(d_last, d_first) << "discriminator loss " << d_first << " -> " << d_last;
  for (auto& m : metrics) EXPECT_LT(m["data_wait"].get<double>(), 1.0);
}

train::TrainConfig bf16_config() {
  auto config = tiny_config();
  config.precision = "bf16";
  return config;
}

}  // namespace

TEST(Trainer, ResumedRunIsBitIdenticalToUninterruptedRun) {
  expect_resume_equals_whole_run(tiny_config(), "");
}

TEST(Trainer, LossesMoveTheRightWay) { expect_losses_move_the_right_way(tiny_config(), ""); }

TEST(Trainer, Bf16ResumedRunIsBitIdenticalToUninterruptedRun) {
  expect_resume_equals_whole_run(bf16_config(), "bf16");
}

TEST(Trainer, Bf16LossesMoveTheRightWay) {
  expect_losses_move_the_right_way(bf16_config(), "bf16");
}

// bf16 computes the same step as fp32 up to bf16's rounding: the first GAN step (same weights,
// same batch) gives the same losses within 2% and gradient norms within 10%, yet not equal ones.
TEST(Trainer, Bf16StepAgreesWithFp32Step) {
  std::map<std::string, nlohmann::json> first_step;
  for (std::string precision : {"fp32", "bf16"}) {
    TempDir dir("agree" + precision);
    auto config = tiny_config();
    config.precision = precision;
    config.steps = 1;
    config.init_steps = 0;
    config.log_every = 1;
    comicgan::testing::SyntheticBatches data(config.batch_size, config.image_size);
    train::Trainer(config, dir.str(), data).run(false);
    auto metrics = read_metrics(dir.str());
    ASSERT_EQ(metrics.size(), 1u);
    first_step[precision] = metrics[0];
  }
  // Measured: losses within 1%, gradient norms within 6%.
  for (std::string key : {"d_total", "d_real", "d_fake", "d_gray", "d_smooth", "g_total", "g_adv",
                          "content", "style", "color", "tv"}) {
    double a = first_step["fp32"].at(key), b = first_step["bf16"].at(key);
    EXPECT_NEAR(b, a, 0.02 * std::abs(a)) << key;
  }
  for (std::string key : {"d_grad_norm", "g_grad_norm"}) {
    double a = first_step["fp32"].at(key), b = first_step["bf16"].at(key);
    EXPECT_NEAR(b, a, 0.1 * std::abs(a)) << key;
  }
  EXPECT_NE(first_step["fp32"]["g_total"], first_step["bf16"]["g_total"]) << "bf16 did not run";
}

TEST(Trainer, NanGuardRollsBackAndLowersTheLearningRate) {
  TempDir dir("nan");
  auto config = tiny_config();
  comicgan::testing::SyntheticBatches data(config.batch_size, config.image_size);
  data.poison_step(8);
  std::vector<std::string> events;
  train::TrainHooks hooks;
  hooks.log = [&](const std::string& line) { events.push_back(line); };
  auto s = train::Trainer(config, dir.str(), data, hooks).run(false);
  EXPECT_EQ(s.steps_done, 10);
  EXPECT_EQ(s.rollbacks, 1);
  bool logged = false;
  for (auto& e : events)
    logged |= e.find("step 8: ") != std::string::npos &&
              e.find("rolled back to step 6, learning rates x0.5") != std::string::npos;
  EXPECT_TRUE(logged);
  auto model = io::read_model_file(dir.str() + "/model.cgm");
  for (auto& [name, t] : model.tensors) EXPECT_TRUE(torch::isfinite(t).all().item<bool>()) << name;
  EXPECT_EQ(read_metrics(dir.str()).back()["lr_scale"], 0.5);
}

TEST(Trainer, OutputsLoadAsGeneratorAndDiscriminator) {
  TempDir dir("outputs");
  auto config = tiny_config();
  config.steps = 6;
  config.checkpoint_every = 2;
  config.keep_checkpoints = 2;
  config.name = "tiny";
  comicgan::testing::SyntheticBatches data(config.batch_size, config.image_size);
  int samples = 0;
  train::TrainHooks hooks;
  config.sample_every = 4;
  hooks.samples = [&](int64_t, const at::Tensor& photos, const at::Tensor& generated) {
    EXPECT_EQ(photos.sizes(), generated.sizes());
    ++samples;
  };
  train::Trainer(config, dir.str(), data, hooks).run(false);
  EXPECT_EQ(samples, 2);  // step 4 and the end
  auto checkpoints = train::list_checkpoints(dir.str());
  ASSERT_EQ(checkpoints.size(), 2u);  // steps 4 and 6; step 2 pruned
  EXPECT_NE(checkpoints.back().find("step-000000006.pt"), std::string::npos);

  auto model = models::load_model(dir.str() + "/model.cgm");
  EXPECT_EQ(model.meta["name"], "tiny");
  torch::NoGradGuard no_grad;
  auto y = model.generator->forward(torch::zeros({1, 3, 16, 16}));
  EXPECT_EQ(y.sizes(), (std::vector<int64_t>{1, 3, 16, 16}));

  auto file = io::read_model_file(dir.str() + "/discriminator.cgm");
  EXPECT_EQ(file.meta["kind"], "discriminator");
  auto d = models::make_discriminator(file.meta["architecture"], file.meta["options"]);
  models::load_state_dict(*d, file.tensors, "discriminator.cgm");
  EXPECT_TRUE(fs::exists(dir.path / "config.json"));
  EXPECT_TRUE(fs::exists(dir.path / "summary.json"));
}

// Mean logit of a run's discriminator on photos it never trained on.
double discriminator_score_on_photos(const std::string& run_dir, int64_t batch, int64_t size) {
  auto file = io::read_model_file(run_dir + "/discriminator.cgm");
  auto d = models::make_discriminator(file.meta["architecture"], file.meta["options"]);
  models::load_state_dict(*d, file.tensors, "discriminator.cgm");
  d->eval();
  torch::NoGradGuard no_grad;
  comicgan::testing::SyntheticBatches held_out(batch, size, /*seed=*/99);
  double sum = 0;
  for (int64_t i = 0; i < 4; ++i) sum += d->forward(held_out.batch(i).photo).mean().item<double>();
  return sum / 4;
}

TEST(Trainer, PhotoTermTeachesTheDiscriminatorThatPhotosAreNotTheStyle) {
  auto config = tiny_config();
  config.steps = 40;
  config.init_steps = 0;
  config.d_lr = 1e-3;
  config.log_every = 10;
  // The photo term alone among D's "not the style" terms: without it D is only ever told what the
  // style is, so the difference it makes is large on every CPU (with the generated, grey and
  // smoothed terms on too, the gap depended on rounding: 0.12 on one machine, 0.3 on another).
  config.d_fake_weight = config.d_gray_weight = config.d_smooth_weight = 0.0;
  double score[2];
  for (int with : {0, 1}) {
    TempDir dir("photo" + std::to_string(with));
    config.d_photo_weight = with ? 1.7 : 0.0;
    comicgan::testing::SyntheticBatches data(config.batch_size, config.image_size);
    train::Trainer(config, dir.str(), data).run(false);
    auto metrics = read_metrics(dir.str());
    ASSERT_EQ(metrics.size(), 4u);
    EXPECT_EQ(metrics[0].contains("d_photo"), bool(with));
    if (with)
      EXPECT_LT(metrics.back()["d_photo"].get<double>(), metrics.front()["d_photo"].get<double>());
    score[with] = discriminator_score_on_photos(dir.str(), config.batch_size, config.image_size);
  }
  EXPECT_LT(score[1], score[0] - 0.4) << "held-out photos scored " << score[0] << " without the "
                                      << "photo term, " << score[1] << " with it";
}

TEST(Trainer, StartsFromAnInitGenerator) {
  TempDir first("init_first"), second("init_second"), other("init_other");
  auto config = tiny_config();
  config.steps = 6;
  {
    comicgan::testing::SyntheticBatches data(config.batch_size, config.image_size);
    train::Trainer(config, first.str(), data).run(false);
  }
  // One init step at a negligible learning rate: the run's model is the one it started from.
  auto fine_tune = config;
  fine_tune.init_generator = first.str() + "/model.cgm";
  fine_tune.steps = 1;
  fine_tune.init_lr = 1e-12;
  fine_tune.seed = 11;  // another random initialisation, which the start must replace
  {
    comicgan::testing::SyntheticBatches data(config.batch_size, config.image_size);
    train::Trainer(fine_tune, second.str(), data).run(false);
  }
  auto a = io::read_model_file(first.str() + "/model.cgm"),
       b = io::read_model_file(second.str() + "/model.cgm");
  ASSERT_EQ(a.tensors.size(), b.tensors.size());
  double worst = 0;
  for (size_t i = 0; i < a.tensors.size(); ++i)
    worst = std::max(worst, (a.tensors[i].second - b.tensors[i].second).abs().max().item<double>());
  EXPECT_LT(worst, 1e-5);
  // Without the start, the same seed-11 run is elsewhere.
  fine_tune.init_generator.clear();
  {
    comicgan::testing::SyntheticBatches data(config.batch_size, config.image_size);
    train::Trainer(fine_tune, other.str(), data).run(false);
  }
  auto c = io::read_model_file(other.str() + "/model.cgm");
  EXPECT_GT((a.tensors[0].second - c.tensors[0].second).abs().max().item<double>(), 1e-3);
  // Another width is refused, naming both.
  TempDir wrong("init_wrong");
  fine_tune.init_generator = first.str() + "/model.cgm";
  fine_tune.generator_options = {{"width", 0.25}};
  comicgan::testing::SyntheticBatches data(config.batch_size, config.image_size);
  EXPECT_THROW(train::Trainer(fine_tune, wrong.str(), data).run(false), Error);
}

TEST(Trainer, ColourAndFlatnessTermsAreLoggedWhereTheyApply) {
  TempDir dir("look_terms");
  auto config = tiny_config();
  config.lab_color_weight = 0.1;
  config.flat_weight = 1.0;
  comicgan::testing::SyntheticBatches data(config.batch_size, config.image_size);
  train::Trainer(config, dir.str(), data).run(false);
  auto metrics = read_metrics(dir.str());
  ASSERT_EQ(metrics.size(), 5u);
  EXPECT_TRUE(metrics.front().contains("init_lab_color"));
  EXPECT_FALSE(metrics.front().contains("init_flat"));  // flatness is for the GAN phase only
  EXPECT_GT(metrics.back()["lab_color"].get<double>(), 0.0);
  EXPECT_GT(metrics.back()["flat"].get<double>(), 0.0);
  // The total is the sum of its terms, the new ones included.
  const auto& last = metrics.back();
  double sum = 0;
  for (const char* k : {"g_adv", "content", "style", "color", "tv", "lab_color", "flat"})
    sum += last[k].get<double>();
  EXPECT_NEAR(last["g_total"].get<double>(), sum, 1e-3 * std::abs(sum));
}

namespace {
// Synthetic batches with a pseudo-target per photo: a darker, flattened copy (the photo's
// colours averaged over 4x4 blocks and halved), a picture G must learn to make.
class TargetBatches : public data::BatchSource {
 public:
  TargetBatches(int64_t batch, int64_t size) : inner_(batch, size) {}
  data::TrainingBatch batch(int64_t step) override {
    auto b = inner_.batch(step);
    namespace F = torch::nn::functional;
    b.photo_target =
        F::interpolate(F::avg_pool2d(b.photo, F::AvgPool2dFuncOptions(4)),
                       F::InterpolateFuncOptions()
                           .size(std::vector<int64_t>{b.photo.size(2), b.photo.size(3)})
                           .mode(torch::kNearest)) *
        0.5;
    return b;
  }

 private:
  comicgan::testing::SyntheticBatches inner_;
};
}  // namespace

TEST(Trainer, PseudoTargetTermDescendsInInitAndAppliesInTheGanPhase) {
  TempDir dir("targets");
  auto config = tiny_config();
  config.steps = 44;
  config.init_steps = 40;
  config.init_lr = 1e-3;
  config.content_weight = 0;
  config.target_weight = 10;
  config.gan_target_weight = 2;
  config.log_every = 4;
  TargetBatches data(config.batch_size, config.image_size);
  train::Trainer(config, dir.str(), data).run(false);
  auto metrics = read_metrics(dir.str());
  ASSERT_EQ(metrics.size(), 11u);
  ASSERT_TRUE(metrics.front().contains("init_target"));
  const double first = metrics[0]["init_target"].get<double>();
  const double last = metrics[9]["init_target"].get<double>();
  EXPECT_LT(last, 0.7 * first) << first << " -> " << last;
  // GAN phase: the term is in the total.
  const auto& gan = metrics.back();
  ASSERT_TRUE(gan.contains("target"));
  double sum = 0;
  for (const char* k : {"g_adv", "content", "style", "color", "tv", "target"})
    sum += gan[k].get<double>();
  EXPECT_NEAR(gan["g_total"].get<double>(), sum, 1e-3 * std::abs(sum));
}

TEST(Trainer, PseudoTargetWeightsNeedDataWithTargets) {
  TempDir dir("no_targets");
  auto config = tiny_config();
  config.target_weight = 1;
  comicgan::testing::SyntheticBatches data(config.batch_size, config.image_size);
  auto message =
      comicgan::test::error_of([&] { train::Trainer(config, dir.str(), data).run(false); });
  EXPECT_NE(message.find("pseudo-target"), std::string::npos) << message;
}

TEST(Trainer, RefusesToOverwriteARunAndToResumeNothing) {
  TempDir dir("refuse");
  auto config = tiny_config();
  config.steps = 2;
  comicgan::testing::SyntheticBatches data(config.batch_size, config.image_size);
  EXPECT_THROW(train::Trainer(config, dir.str(), data).run(true), Error);
  train::Trainer(config, dir.str(), data).run(false);
  EXPECT_THROW(train::Trainer(config, dir.str(), data).run(false), Error);
}

TEST(TrainConfig, JsonRoundTripAndUnknownFieldsAreRefused) {
  train::TrainConfig c;
  c.g_lr = 1e-4;
  c.arch = "animegan2-lite";
  train::TrainConfig d;
  d.merge_json(c.to_json());
  EXPECT_EQ(d.to_json(), c.to_json());
  EXPECT_THROW(d.merge_json({{"g_lrr", 1}}), Error);
  EXPECT_THROW(d.merge_json({{"steps", "many"}}), Error);
  d.merge_json({{"steps", 5}});
  EXPECT_EQ(d.steps, 5);
  d.image_size = 30;
  EXPECT_THROW(d.validate(), Error);
}
