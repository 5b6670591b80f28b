// `comicgan eval` as a library call: stylize a folder of photos with one or more models and
// measure the results against the photos (content kept), against a folder of style pictures
// (style distance), with the training run's discriminator (its verdict) and with a clock.
// Which feature network produced each number travels with the number.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "eval/discriminator_verdict.h"
#include "eval/image_set.h"

namespace comicgan::eval {

struct EvalOptions {
  // Model files or shipped names; the first is "the" model. "synth:LOOK" (comic, manga, cel)
  // is the classical renderer and "filter:meanshift" an edge-preserving filter (OpenCV's
  // pyrMeanShiftFiltering, spatial 10, colour 20), as baselines.
  std::vector<std::string> models;
  std::string photos;         // folder of input photos
  std::string style;          // folder of real style pictures ("" : no style metrics)
  std::string discriminator;  // training run folder or discriminator.cgm ("" : none)
  std::string inception;      // pytorch-fid pt_inception state_dict ("" : no FID/KID)
  // The VGG content distance's network: a VGG state_dict (models/vgg.h), or "" for the one
  // training uses, embedded in the library (VGG19 up to relu3_1); use_vgg false skips it.
  std::string vgg;
  bool use_vgg = true;
  int side = 256;  // pictures are centre-cropped and resized to side x side
  // The look figures (colour shift, flat gain, edge F1) are measured on the whole photos, shrunk
  // so their longer side is at most this (0: at their own size).
  int look_max_side = 1024;
  int64_t max_images = 64;  // per folder
  int batch = 8;
  int kid_subsets = 100;
  std::string device = "cpu";
  uint64_t seed = 1234;
};

enum class Better { lower, higher, none };

struct Metric {
  std::string key;    // stable name in metrics.json: "swd", "fid", "ssim", ...
  std::string label;  // what a person reads
  double value = 0;
  Better better = Better::none;
  std::string network;  // the feature network (or method) that produced it
  std::string detail;   // e.g. "± 0.002 over 100 subsets"
};

struct ModelResult {
  std::string name, source;
  std::vector<Metric> metrics;
  std::vector<Image> outputs;       // one per photo
  std::vector<Image> full_outputs;  // one per photo at its own size (the look figures')
  std::vector<double> swd_per_level;
  std::vector<int64_t> swd_resolutions;
};

struct Evaluation {
  EvalOptions options;
  ImageSet photos, style;
  std::vector<ModelResult> models;
  // Sets in this order: one per model ("generated: NAME"), "style" when there is a style
  // folder, "photos"; each scores that set's pictures in order (see verdict_pictures).
  std::optional<DiscriminatorVerdict> verdict;
  // Per photo: indices into style.images nearest to the first model's output (a cheap colour
  // and layout feature: an 8x8 Lab thumbnail).
  std::vector<std::vector<int>> nearest_style;
  std::vector<std::string> notes;  // what was skipped and why
};

using Log = std::function<void(const std::string&)>;
Evaluation evaluate(const EvalOptions& options, const Log& log = {});

// The pictures the verdict's set number `set` scored, in the order of its scores.
const std::vector<Image>& verdict_pictures(const Evaluation& evaluation, size_t set);

// The first metric of `model` with `key`, or nullptr.
const Metric* find_metric(const ModelResult& model, const std::string& key);

// Indices of the `k` pictures of `pool` nearest to `query` by the 8x8 Lab thumbnail feature.
std::vector<int> nearest_pictures(const Image& query, const std::vector<Image>& pool, int k);

}  // namespace comicgan::eval
