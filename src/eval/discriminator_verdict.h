// The discriminator's verdict, the seed project's own test: the trained discriminator looks at
// the generated pictures, at real pictures of the style and at the input photos, and we compare
// what it says about each set. A generator that fools it scores its pictures like the style set
// and unlike the photos. Each picture's score is the mean of the discriminator's output map.
#pragma once

#include <ATen/ATen.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "comicgan/image.h"

namespace comicgan::eval {

// (N,3,H,W) in [-1,1] -> (N,1,h,w) (or any (N,...)) raw outputs.
using Scorer = std::function<at::Tensor(const at::Tensor&)>;

struct SetVerdict {
  std::string label;           // "generated: MODEL", "style", "photos"
  std::vector<double> scores;  // one per picture: the mean of its output map
  double mean = 0, stddev = 0;
  double mean_probability = 0;     // mean of sigmoid(score): how "real" on a 0..1 scale
  std::vector<int64_t> histogram;  // counts over DiscriminatorVerdict::bin_edges
};

struct DiscriminatorVerdict {
  std::string source;             // the discriminator file
  std::vector<double> bin_edges;  // shared by every set, so histograms compare
  std::vector<SetVerdict> sets;
};

// Scores `pictures` in batches of `batch`.
std::vector<double> score_pictures(const Scorer& scorer, const std::vector<Image>& pictures,
                                   int batch = 8);

// Summaries and histograms (`bins` equal bins spanning every set's scores) of scored sets.
DiscriminatorVerdict summarize_verdict(
    const std::string& source, const std::vector<std::pair<std::string, std::vector<double>>>& sets,
    int bins = 12);

// Loads the discriminator a training run saved: RUN_DIR/discriminator.cgm, or that file itself.
// Its meta says "kind": "discriminator", "architecture" and "options".
Scorer load_discriminator(const std::string& run_dir_or_file, std::string* resolved_path = nullptr);

}  // namespace comicgan::eval
