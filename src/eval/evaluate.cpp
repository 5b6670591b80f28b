#include "eval/evaluate.h"

#include <torch/torch.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <opencv2/imgproc.hpp>

#include "comicgan/error.h"
#include "data/comic_render_media.h"
#include "data/edge_preserving_media.h"
#include "eval/content_metrics.h"
#include "eval/feature_distance.h"
#include "eval/fid_inception.h"
#include "eval/look_metrics.h"
#include "eval/swd.h"
#include "infer/stylizer.h"
#include "io/image_mat.h"
#include "models/model_store.h"
#include "models/vgg.h"

namespace comicgan::eval {
namespace {

const char* kRendererPrefix = "synth:";
const char* kFilterName = "filter:meanshift";
const char* kSwdMethod = "no network: 7x7 patches of a Laplacian pyramid (Karras et al. 2018)";
const char* kPixelMethod = "no network: pixels (luma)";

// Features of `pictures` in batches: `extract` gets (N,3,H,W) in [0,1].
at::Tensor batched_features(const std::vector<Image>& pictures, int batch,
                            const std::function<at::Tensor(const at::Tensor&)>& extract) {
  std::vector<at::Tensor> parts;
  for (size_t begin = 0; begin < pictures.size(); begin += size_t(batch)) {
    size_t end = std::min(pictures.size(), begin + size_t(batch));
    parts.push_back(extract((pictures_to_batch(pictures, begin, end) + 1) / 2));
  }
  return torch::cat(parts, 0);
}

at::Tensor all_pictures(const std::vector<Image>& pictures) {
  return pictures_to_batch(pictures, 0, pictures.size());
}

at::Tensor thumbnail_feature(const Image& image) {
  cv::Mat small, lab;
  cv::resize(io::image_to_bgr_mat(image), small, cv::Size(8, 8), 0, 0, cv::INTER_AREA);
  if (small.channels() == 4) cv::cvtColor(small, small, cv::COLOR_BGRA2BGR);
  cv::cvtColor(small, lab, cv::COLOR_BGR2Lab);
  return torch::from_blob(lab.data, {8 * 8 * 3}, torch::kByte).to(torch::kFloat);
}

std::string model_display_name(const models::LoadedModel& m) {
  std::string name = m.meta.value("name", std::string());
  if (!name.empty()) return name;
  return std::filesystem::path(m.source).stem().string();
}

// Stylizes every photo one at a time (as `comicgan stylize` does), timing all but a warm-up.
void stylize_photos(infer::Stylizer& stylizer, const ImageSet& photos, ModelResult& result) {
  using clock = std::chrono::steady_clock;
  stylizer.stylize(photos.images.front());  // warm-up: allocations, lazy initialisation
  auto start = clock::now();
  for (const auto& photo : photos.images) result.outputs.push_back(stylizer.stylize(photo));
  double seconds = std::chrono::duration<double>(clock::now() - start).count();
  for (const auto& photo : photos.full) result.full_outputs.push_back(stylizer.stylize(photo));
  result.metrics.push_back(
      {"images_per_s", "Speed (images/s)", double(photos.images.size()) / std::max(seconds, 1e-9),
       Better::higher,
       "this machine, batch 1, " + stylizer.options().device + " " + stylizer.options().precision,
       std::to_string(photos.images.front().width) + "x" +
           std::to_string(photos.images.front().height) + " pictures"});
}

// The classical renderer (`comicgan synth`) as a baseline row: what a model must beat.
void render_photos(const std::string& look_name, const ImageSet& photos, ModelResult& result) {
  auto look = data::comic_look(look_name);
  result.name = std::string(kRendererPrefix) + look_name;
  result.source = "comicgan synth --look " + look_name + " (classical renderer, no model)";
  using clock = std::chrono::steady_clock;
  auto start = clock::now();
  for (const auto& photo : photos.images) result.outputs.push_back(data::render_comic(photo, look));
  double seconds = std::chrono::duration<double>(clock::now() - start).count();
  for (const auto& photo : photos.full)
    result.full_outputs.push_back(data::render_comic(photo, look));
  result.metrics.push_back({"images_per_s", "Speed (images/s)",
                            double(photos.images.size()) / std::max(seconds, 1e-9), Better::higher,
                            "this machine, classical renderer", ""});
}

void filter_photos(const ImageSet& photos, ModelResult& result) {
  result.name = kFilterName;
  result.source =
      "OpenCV pyrMeanShiftFiltering(spatial 10, colour 20): edge-preserving filter, no model";
  for (const auto& photo : photos.images) result.outputs.push_back(data::mean_shift_filter(photo));
  for (const auto& photo : photos.full)
    result.full_outputs.push_back(data::mean_shift_filter(photo));
}

// Colour shift, flat gain and edge F1 of the whole photos (look_metrics.h, content_metrics.h).
void look_metrics(const ImageSet& photos, ModelResult& r) {
  if (photos.full.empty()) return;
  double shift = 0, flat = 0, f1 = 0, precision = 0, recall = 0;
  const double n = double(photos.full.size());
  for (size_t i = 0; i < photos.full.size(); ++i) {
    shift += colour_shift(photos.full[i], r.full_outputs[i]) / n;
    flat += flat_gain(photos.full[i], r.full_outputs[i]) / n;
    auto e = edge_f1(photos.full[i], r.full_outputs[i]);
    f1 += e.f1 / n, precision += e.precision / n, recall += e.recall / n;
  }
  r.metrics.push_back({"colour_shift", "Look: colour shift vs photo (dE)", shift, Better::lower,
                       "no network: Lab of 1/16-size copies (OpenCV)", "whole photos"});
  r.metrics.push_back({"flat_gain", "Look: flat gain vs photo", flat, Better::higher,
                       "no network: Sobel 3x3 of luma (OpenCV)", "whole photos"});
  char detail[96];
  std::snprintf(detail, sizeof detail, "precision %.3f, recall %.3f, 1 px tolerance", precision,
                recall);
  r.metrics.push_back({"edge_f1", "Content: Canny edge F1 vs photo", f1, Better::higher,
                       "no network: Canny 100/200 edges of whole photos (OpenCV)", detail});
}

void content_metrics(const ImageSet& photos, models::PerceptualNet* vgg, int batch,
                     ModelResult& r) {
  double ssim_sum = 0;
  const double n = double(photos.images.size());
  for (size_t i = 0; i < photos.images.size(); ++i)
    ssim_sum += ssim_luminance(photos.images[i], r.outputs[i]) / n;
  r.metrics.push_back({"ssim", "Content: SSIM of luma vs photo", ssim_sum, Better::higher,
                       kPixelMethod, "Gaussian 11x11, sigma 1.5"});
  if (!vgg) return;
  double distance = 0;
  for (size_t begin = 0; begin < photos.images.size(); begin += size_t(batch)) {
    size_t end = std::min(photos.images.size(), begin + size_t(batch));
    c10::InferenceMode guard;
    auto a = vgg->forward(pictures_to_batch(photos.images, begin, end));
    auto b = vgg->forward(pictures_to_batch(r.outputs, begin, end));
    distance += (a - b).abs().mean({1, 2, 3}).sum().item<double>() / n;
  }
  r.metrics.push_back({"vgg_l1", "Content: VGG relu3_1 L1 vs photo", distance, Better::lower,
                       vgg->description(), "mean |f(photo) - f(output)|"});
}

}  // namespace

const std::vector<Image>& verdict_pictures(const Evaluation& ev, size_t set) {
  check(ev.verdict.has_value() && set < ev.verdict->sets.size(),
        "verdict_pictures: no verdict set ", set);
  const std::vector<Image>* pictures = &ev.photos.images;
  if (set < ev.models.size())
    pictures = &ev.models[set].outputs;
  else if (set == ev.models.size() && !ev.style.images.empty())
    pictures = &ev.style.images;
  check(pictures->size() == ev.verdict->sets[set].scores.size(), "verdict set '",
        ev.verdict->sets[set].label, "' has ", ev.verdict->sets[set].scores.size(), " scores for ",
        pictures->size(), " pictures");
  return *pictures;
}

const Metric* find_metric(const ModelResult& model, const std::string& key) {
  for (const auto& m : model.metrics)
    if (m.key == key) return &m;
  return nullptr;
}

std::vector<int> nearest_pictures(const Image& query, const std::vector<Image>& pool, int k) {
  if (pool.empty() || k <= 0) return {};
  auto q = thumbnail_feature(query);
  std::vector<at::Tensor> features;
  for (const auto& p : pool) features.push_back(thumbnail_feature(p));
  auto distances = (torch::stack(features) - q).pow(2).sum(1);
  auto order = std::get<1>(distances.sort());
  std::vector<int> nearest;
  for (int64_t i = 0; i < std::min<int64_t>(k, order.size(0)); ++i)
    nearest.push_back(int(order[i].item<int64_t>()));
  return nearest;
}

Evaluation evaluate(const EvalOptions& o, const Log& log_fn) {
  auto log = [&](const std::string& line) {
    if (log_fn) log_fn(line);
  };
  check_option(!o.models.empty(), "models", "must name at least one model");
  check_option(!o.photos.empty(), "photos", "must name a folder of photos");
  check_option(o.batch >= 1, "batch", "must be >= 1, found ", o.batch);
  check_option(o.max_images >= 2, "max_images", "must be >= 2, found ", o.max_images);
  Evaluation ev;
  ev.options = o;
  std::vector<std::string> skipped;
  ev.photos = load_image_folder(o.photos, o.side, o.max_images, &skipped, o.look_max_side);
  log("photos: " + std::to_string(ev.photos.images.size()) + " from " + o.photos);
  if (!o.style.empty()) {
    ev.style = load_image_folder(o.style, o.side, o.max_images, &skipped);
    log("style pictures: " + std::to_string(ev.style.images.size()) + " from " + o.style);
  } else {
    ev.notes.push_back(
        "no --style folder: style distances (SWD, FID, KID) and the style row of "
        "the discriminator verdict were skipped");
  }
  for (const auto& s : skipped) ev.notes.push_back("skipped: " + s);

  std::optional<FidInception> inception;
  at::Tensor style_features;
  if (!o.inception.empty()) {
    if (ev.style.images.empty()) {
      ev.notes.push_back("Inception weights given without a style folder: no FID/KID");
    } else {
      inception.emplace(FidInception::load(o.inception));
      style_features = batched_features(
          ev.style.images, o.batch, [&](const at::Tensor& x) { return inception->features(x); });
    }
  } else if (!ev.style.images.empty()) {
    ev.notes.push_back(
        "no --inception weights: FID and KID were skipped (pass pytorch-fid's "
        "pt_inception-2015-12-05 state_dict to get them)");
  }
  std::shared_ptr<models::PerceptualNet> vgg;
  if (!o.vgg.empty())
    vgg = models::load_perceptual_net(o.vgg);
  else if (o.use_vgg)
    vgg = models::default_perceptual_net();
  else
    ev.notes.push_back("the VGG content distance was not asked for");
  if (vgg) vgg->eval();

  SwdOptions swd_options;
  swd_options.seed = o.seed;
  for (const auto& model_name : o.models) {
    ModelResult r;
    if (model_name.rfind(kRendererPrefix, 0) == 0) {
      render_photos(model_name.substr(std::string(kRendererPrefix).size()), ev.photos, r);
    } else if (model_name == kFilterName) {
      filter_photos(ev.photos, r);
    } else {
      auto loaded = models::load_model(model_name);
      r.name = model_display_name(loaded);
      r.source = loaded.source;
      log("model " + r.name + ": stylizing " + std::to_string(ev.photos.images.size()) + " photos");
      infer::Stylizer stylizer(loaded.generator, {o.device, "fp32"});
      stylize_photos(stylizer, ev.photos, r);
    }
    look_metrics(ev.photos, r);
    content_metrics(ev.photos, vgg.get(), o.batch, r);
    if (!ev.style.images.empty()) {
      auto swd = sliced_wasserstein_distance(all_pictures(r.outputs), all_pictures(ev.style.images),
                                             swd_options);
      r.swd_per_level = swd.per_level;
      r.swd_resolutions = swd.resolutions;
      r.metrics.push_back({"swd", "Style: SWD to style set (x1e3)", swd.mean, Better::lower,
                           kSwdMethod, std::to_string(swd.resolutions.size()) + " levels"});
    }
    if (inception) {
      log("model " + r.name + ": Inception features");
      auto features = batched_features(r.outputs, o.batch,
                                       [&](const at::Tensor& x) { return inception->features(x); });
      std::string net = "Inception-v3 pool3, " + std::to_string(inception->feature_dim()) + "-d (" +
                        inception->label() + ")";
      r.metrics.push_back({"fid", "Style: FID to style set",
                           frechet_distance(features, style_features), Better::lower, net,
                           std::to_string(features.size(0)) + " vs " +
                               std::to_string(style_features.size(0)) + " pictures"});
      KidOptions kid_options;
      kid_options.subsets = o.kid_subsets;
      kid_options.seed = o.seed;
      auto kid = kernel_inception_distance(features, style_features, kid_options);
      char detail[96];
      std::snprintf(detail, sizeof detail, "+/- %.4g over %d subsets", kid.stddev, o.kid_subsets);
      r.metrics.push_back({"kid", "Style: KID to style set", kid.mean, Better::lower, net, detail});
    }
    ev.models.push_back(std::move(r));
  }
  // Models whose files carry the same name (every model trained as "comic" is "comic") are
  // told apart by the file or name they were given as.
  std::map<std::string, int> uses;
  for (const auto& m : ev.models) ++uses[m.name];
  for (size_t i = 0; i < ev.models.size(); ++i)
    if (uses[ev.models[i].name] > 1) ev.models[i].name += " (" + o.models[i] + ")";

  if (!o.discriminator.empty()) {
    std::string path;
    Scorer d = load_discriminator(o.discriminator, &path);
    log("discriminator: " + path);
    std::vector<std::pair<std::string, std::vector<double>>> sets;
    for (auto& m : ev.models) {
      sets.emplace_back("generated: " + m.name, score_pictures(d, m.outputs, o.batch));
      double mean = 0;
      for (double s : sets.back().second) mean += s / double(sets.back().second.size());
      m.metrics.push_back({"d_generated", "Discriminator: mean score on output", mean,
                           Better::higher, "the training run's discriminator (" + path + ")",
                           "higher: judged more like the style"});
    }
    if (!ev.style.images.empty())
      sets.emplace_back("style", score_pictures(d, ev.style.images, o.batch));
    sets.emplace_back("photos", score_pictures(d, ev.photos.images, o.batch));
    ev.verdict = summarize_verdict(path, sets);
  }
  if (!ev.style.images.empty())
    for (const auto& out : ev.models.front().outputs)
      ev.nearest_style.push_back(nearest_pictures(out, ev.style.images, 2));
  return ev;
}

}  // namespace comicgan::eval
