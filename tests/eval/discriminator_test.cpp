// The discriminator verdict with the discriminator a real (tiny) training run saved: eval's
// loader reproduces the trained network exactly, the verdict tells the run's style from its
// photos, and `comicgan eval --disc RUN_DIR` reports it.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "eval/discriminator_verdict.h"
#include "eval/eval_fixtures.h"
#include "eval/evaluate.h"
#include "eval/image_set.h"
#include "io/image_io.h"
#include "models/discriminator.h"
#include "models/generator.h"
#include "test_paths.h"
#include "train/checkpoint.h"
#include "train/synthetic_batches.h"
#include "train/trainer.h"

using namespace comicgan;
using namespace comicgan::eval_test;

namespace {

constexpr int64_t kSide = 32;

train::TrainConfig tiny_run_config() {
  train::TrainConfig c;
  c.generator_options = {{"width", 0.125}};
  c.discriminator_options = {{"channels", 8}, {"layers", 2}};
  c.image_size = kSide;
  c.batch_size = 4;
  c.steps = 60;
  c.init_steps = 4;
  c.d_lr = 1e-3;  // a discriminator that has learnt something in a few dozen steps
  c.seed = 11;
  c.log_every = 100;
  c.checkpoint_every = 1000;  // only the final one
  c.sample_every = 0;
  c.deterministic = true;
  return c;
}

Image to_picture(const at::Tensor& chw) {
  auto hwc = ((chw.clamp(-1, 1) + 1) * 127.5).round().to(at::kByte).permute({1, 2, 0}).contiguous();
  Image img(int(hwc.size(1)), int(hwc.size(0)), 3);
  std::memcpy(img.pixels.data(), hwc.data_ptr<uint8_t>(), img.pixels.size());
  return img;
}

// Photos and style pictures of the kind the run trained on, from batches it never saw.
void write_batch_pictures(const fs::path& photos, const fs::path& style, int batches) {
  comicgan::testing::SyntheticBatches data(4, kSide, /*seed=*/99);
  fs::create_directories(photos);
  fs::create_directories(style);
  for (int b = 0; b < batches; ++b) {
    auto batch = data.batch(b);
    for (int64_t i = 0; i < batch.photo.size(0); ++i) {
      std::string name = "b" + std::to_string(b) + "_" + std::to_string(i) + ".png";
      io::write_image((photos / name).string(), to_picture(batch.photo[i]));
      io::write_image((style / name).string(), to_picture(batch.style[i]));
    }
  }
}

// One tiny training run shared by the tests of this file (a few seconds).
struct TinyRun {
  fs::path dir = temp_folder("disc_run");
  fs::path run = dir / "run", photos = dir / "photos", style = dir / "style";
  TinyRun() {
    comicgan::testing::SyntheticBatches data(4, kSide);
    train::Trainer(tiny_run_config(), run.string(), data).run(false);
    write_batch_pictures(photos, style, 3);
  }
  ~TinyRun() { fs::remove_all(dir); }
};

const TinyRun& tiny_run() {
  static TinyRun run;
  return run;
}

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s / double(v.size());
}

}  // namespace

TEST(EvalDiscriminator, LoadedFileScoresLikeTheTrainedNetworkInTheFinalCheckpoint) {
  const auto& run = tiny_run();
  ASSERT_TRUE(fs::exists(run.run / "discriminator.cgm"));
  std::string resolved;
  eval::Scorer scorer = eval::load_discriminator(run.run.string(), &resolved);
  EXPECT_EQ(fs::path(resolved), run.run / "discriminator.cgm");

  // The trainer's own state, restored from its final checkpoint into fresh networks.
  auto config = tiny_run_config();
  auto g = models::make_generator(config.arch, config.generator_options);
  auto ema = models::make_generator(config.arch, config.generator_options);
  auto d = models::make_discriminator(config.discriminator_arch, config.discriminator_options);
  torch::optim::Adam init_opt(g->parameters()), g_opt(g->parameters()), d_opt(d->parameters());
  train::TrainingState state;
  state.generator = g.get();
  state.discriminator = d.get();
  state.ema = ema.get();
  state.init_optimizer = &init_opt;
  state.g_optimizer = &g_opt;
  state.d_optimizer = &d_opt;
  train::load_latest_checkpoint(run.run.string(), state, "cpu");
  EXPECT_EQ(state.step, config.steps);
  d->eval();

  auto pictures = eval::load_image_folder(run.style.string(), int(kSide), 8).images;
  auto batch = eval::pictures_to_batch(pictures, 0, pictures.size());
  torch::NoGradGuard no_grad;
  auto expected = d->forward(batch).reshape({batch.size(0), -1}).to(at::kDouble).mean(1);
  auto scores = eval::score_pictures(scorer, pictures, 3);  // batches of 3, 3 and 2
  ASSERT_EQ(scores.size(), pictures.size());
  for (size_t i = 0; i < scores.size(); ++i)
    EXPECT_NEAR(scores[i], expected[int64_t(i)].item<double>(), 1e-5) << "picture " << i;
}

TEST(EvalDiscriminator, VerdictOfATrainedRunTellsItsStyleFromPhotos) {
  const auto& run = tiny_run();
  eval::EvalOptions o;
  o.models = {(run.run / "model.cgm").string()};
  o.photos = run.photos.string();
  o.style = run.style.string();
  o.discriminator = run.run.string();
  o.use_vgg = false;
  o.side = int(kSide);
  o.batch = 4;
  auto ev = eval::evaluate(o);
  ASSERT_TRUE(ev.verdict.has_value());
  const auto& v = *ev.verdict;
  ASSERT_EQ(v.sets.size(), 3u);
  EXPECT_EQ(v.sets[0].label, "generated: trained");
  EXPECT_EQ(v.sets[1].label, "style");
  EXPECT_EQ(v.sets[2].label, "photos");
  for (const auto& s : v.sets) {
    EXPECT_EQ(s.scores.size(), 12u) << s.label;
    int64_t counted = 0;
    for (auto c : s.histogram) counted += c;
    EXPECT_EQ(counted, 12) << s.label;
  }
  // The run taught its discriminator that flat, hard-edged pictures are the style and that its
  // generator's pictures and smooth photo-like ones are not (the seed's test).
  EXPECT_GT(v.sets[1].mean, v.sets[0].mean);
  EXPECT_GT(v.sets[1].mean, v.sets[2].mean);
  EXPECT_GT(v.sets[1].mean_probability, v.sets[2].mean_probability);
  const auto* d_metric = eval::find_metric(ev.models[0], "d_generated");
  ASSERT_NE(d_metric, nullptr);
  EXPECT_DOUBLE_EQ(d_metric->value, mean(v.sets[0].scores));
}

TEST(EvalDiscriminator, CliReportsTheVerdictOfARunFolder) {
  const auto& run = tiny_run();
  auto report = run.dir / "report";
  auto r = run_command(std::string(COMICGAN_CLI) + " eval -m " + (run.run / "model.cgm").string() +
                       " --photos " + run.photos.string() + " --style " + run.style.string() +
                       " --disc " + run.run.string() + " -o " + report.string() +
                       " --size 32 --no-vgg --threads 1");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("discriminator.cgm"), std::string::npos) << r.output;
  std::ifstream in(report / "metrics.json");
  auto j = nlohmann::json::parse(in);
  ASSERT_TRUE(j.contains("discriminator")) << j.dump(1);
  const auto& v = j["discriminator"];
  EXPECT_EQ(v["sets"].size(), 3u) << v.dump(1);
  EXPECT_TRUE(j["models"][0]["metrics"].contains("d_generated"));
  std::ifstream html_in(report / "index.html");
  std::string html((std::istreambuf_iterator<char>(html_in)), {});
  EXPECT_NE(html.find("<svg"), std::string::npos) << "the verdict's histogram";
  EXPECT_EQ(html.find("http"), std::string::npos) << "the report must not reach outside";

  // A generator file is not a discriminator: one line that says so.
  r = run_command(std::string(COMICGAN_CLI) + " eval -m " + (run.run / "model.cgm").string() +
                  " --photos " + run.photos.string() + " --disc " +
                  (run.run / "model.cgm").string() + " -o " + (run.dir / "bad").string() +
                  " --size 32 --no-vgg --threads 1");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("not a discriminator file"), std::string::npos) << r.output;
}
