#include "data/prepared_data.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <mutex>

#include "comicgan/error.h"
#include "data/prefetching_source.h"
#include "data/prepared_format.h"

namespace comicgan::data {
namespace {

// splitmix64 (Steele, Lea, Flood 2014): tiny, fast, and the same on every platform, unlike the
// standard library's distributions.
struct SplitMix {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  double uniform() { return double(next() >> 11) * 0x1.0p-53; }  // [0, 1)
  uint64_t below(uint64_t n) { return uint64_t((unsigned __int128)next() * n >> 64); }
};

// An independent stream for each (seed, purpose, a, b).
SplitMix stream(uint64_t seed, uint64_t purpose, uint64_t a, uint64_t b) {
  SplitMix m{seed};
  m.state = m.next() ^ purpose;
  m.state = m.next() ^ a;
  m.state = m.next() ^ b;
  return m;
}

enum Purpose : uint64_t { kPhotoOrder = 1, kStyleOrder = 2, kPhotoCrop = 3, kStyleCrop = 4 };

// Which image sits at position p of the endless sequence "epoch 0's shuffle, epoch 1's, ...".
// Shuffles are kept for the few most recent epochs, since neighbouring steps share them.
class EpochOrder {
 public:
  EpochOrder(size_t n, uint64_t seed, Purpose purpose) : n_(n), seed_(seed), purpose_(purpose) {}

  size_t at(uint64_t position) {
    uint64_t epoch = position / n_;
    return (*shuffle(epoch))[position % n_];
  }

 private:
  std::shared_ptr<const std::vector<uint32_t>> shuffle(uint64_t epoch) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (const auto& [e, order] : cache_)
        if (e == epoch) return order;
    }
    auto order = std::make_shared<std::vector<uint32_t>>(n_);
    for (size_t i = 0; i < n_; ++i) (*order)[i] = uint32_t(i);
    SplitMix rng = stream(seed_, purpose_, epoch, 0);
    for (size_t i = n_ - 1; i > 0; --i) std::swap((*order)[i], (*order)[rng.below(i + 1)]);
    std::lock_guard<std::mutex> lock(mutex_);
    cache_.emplace_back(epoch, order);
    if (cache_.size() > 4) cache_.pop_front();
    return order;
  }

  size_t n_;
  uint64_t seed_;
  Purpose purpose_;
  std::mutex mutex_;
  std::deque<std::pair<uint64_t, std::shared_ptr<const std::vector<uint32_t>>>> cache_;
};

// Where a sample's square crop lies in its source image, in source pixels.
struct Crop {
  double x0 = 0, y0 = 0;
  double scale = 1;  // source pixels per output pixel
  bool flip = false;
};

Crop random_crop(const ImageView& image, const PreparedDataOptions& o, SplitMix& rng) {
  const int size = o.image_size;
  int short_side = std::min(image.width, image.height);
  Crop c;
  if (short_side < size) {
    c.scale = double(short_side) / size;  // too small: the largest square, enlarged
  } else {
    double max_scale = std::min(o.max_scale, double(short_side) / size);
    if (max_scale > 1) c.scale = 1 + rng.uniform() * (max_scale - 1);
  }
  if (c.scale == 1) {  // whole pixels: a plain copy
    c.x0 = double(rng.below(uint64_t(image.width - size + 1)));
    c.y0 = double(rng.below(uint64_t(image.height - size + 1)));
  } else {
    double side = c.scale * size;
    c.x0 = rng.uniform() * std::max(0.0, image.width - side);
    c.y0 = rng.uniform() * std::max(0.0, image.height - side);
  }
  c.flip = o.flip && (rng.next() & 1);
  return c;
}

constexpr float kToUnit = 2.0f / 255.0f;  // uint8 -> [-1, 1]: v * kToUnit - 1

// Writes the crop of an interleaved image with `channels` (1 or 3) into three float planes of
// size*size, a 1-channel image repeated into all three.
void crop_into(const uint8_t* src, int width, int height, int channels, const Crop& c, int size,
               float* out) {
  const size_t plane = size_t(size) * size;
  if (c.scale == 1) {
    const int x0 = int(c.x0), y0 = int(c.y0);
    for (int y = 0; y < size; ++y) {
      const uint8_t* row = src + (size_t(y0 + y) * width + x0) * channels;
      float* o = out + size_t(y) * size;
      for (int x = 0; x < size; ++x) {
        const uint8_t* p = row + size_t(c.flip ? size - 1 - x : x) * channels;
        for (int k = 0; k < channels; ++k) o[k * plane + x] = p[k] * kToUnit - 1.0f;
      }
    }
  } else {
    // Bilinear, pixel centres aligned (as align_corners=false).
    struct Tap {
      int i0, i1;
      float w1;
    };
    auto taps = [&](double origin, int limit, bool flip) {
      std::vector<Tap> t(size);
      for (int i = 0; i < size; ++i) {
        int o = flip ? size - 1 - i : i;
        double s = std::clamp(origin + (o + 0.5) * c.scale - 0.5, 0.0, double(limit - 1));
        int i0 = int(s);
        t[i] = {i0, std::min(i0 + 1, limit - 1), float(s - i0)};
      }
      return t;
    };
    auto xt = taps(c.x0, width, c.flip), yt = taps(c.y0, height, false);
    for (int y = 0; y < size; ++y) {
      const uint8_t* r0 = src + size_t(yt[y].i0) * width * channels;
      const uint8_t* r1 = src + size_t(yt[y].i1) * width * channels;
      float wy = yt[y].w1;
      float* o = out + size_t(y) * size;
      for (int x = 0; x < size; ++x) {
        const Tap& t = xt[x];
        for (int k = 0; k < channels; ++k) {
          float top = r0[t.i0 * channels + k] * (1 - t.w1) + r0[t.i1 * channels + k] * t.w1;
          float bottom = r1[t.i0 * channels + k] * (1 - t.w1) + r1[t.i1 * channels + k] * t.w1;
          o[k * plane + x] = (top * (1 - wy) + bottom * wy) * kToUnit - 1.0f;
        }
      }
    }
  }
  for (int k = channels; k < 3; ++k) std::copy(out, out + plane, out + k * plane);
}

class PreparedSampler {
 public:
  PreparedSampler(const std::string& dir, const nlohmann::json& manifest,
                  const PreparedDataOptions& o)
      : o_(o),
        photos_(dir, Domain::photos, manifest),
        style_(dir, Domain::style, manifest),
        photo_order_(std::max<size_t>(photos_.size(), 1), o.seed, kPhotoOrder),
        style_order_(std::max<size_t>(style_.size(), 1), o.seed, kStyleOrder) {
    check(photos_.size() > 0, dir, ": the prepared data holds no photos");
    check(style_.size() > 0, dir, ": the prepared data holds no style images");
  }

  TrainingBatch make(int64_t step) {
    check(step >= 0, "data loader: step must be >= 0, got ", step);
    const int n = o_.batch_size, size = o_.image_size;
    const int64_t per_image = int64_t(3) * size * size;
    auto options = torch::TensorOptions().dtype(torch::kFloat32);
    TrainingBatch b;
    b.photo = torch::empty({n, 3, size, size}, options);
    b.style = torch::empty({n, 3, size, size}, options);
    b.style_gray = torch::empty({n, 3, size, size}, options);
    b.style_smooth = torch::empty({n, 3, size, size}, options);
    const bool targets = !photos_.target().empty();
    if (targets) b.photo_target = torch::empty({n, 3, size, size}, options);
    for (int i = 0; i < n; ++i) {
      uint64_t position = uint64_t(step) * uint64_t(n) + uint64_t(i);
      const ImageView& photo = photos_[photo_order_.at(position)];
      SplitMix photo_rng = stream(o_.seed, kPhotoCrop, uint64_t(step), uint64_t(i));
      Crop pc = random_crop(photo, o_, photo_rng);
      crop_into(photo.rgb, photo.width, photo.height, 3, pc, size,
                b.photo.data_ptr<float>() + i * per_image);
      if (targets)
        crop_into(photo.target, photo.width, photo.height, 3, pc, size,
                  b.photo_target.data_ptr<float>() + i * per_image);

      const ImageView& style = style_[style_order_.at(position)];
      SplitMix style_rng = stream(o_.seed, kStyleCrop, uint64_t(step), uint64_t(i));
      Crop sc = random_crop(style, o_, style_rng);  // one crop for all three copies
      crop_into(style.rgb, style.width, style.height, 3, sc, size,
                b.style.data_ptr<float>() + i * per_image);
      crop_into(style.gray, style.width, style.height, 1, sc, size,
                b.style_gray.data_ptr<float>() + i * per_image);
      crop_into(style.smooth, style.width, style.height, 3, sc, size,
                b.style_smooth.data_ptr<float>() + i * per_image);
    }
    return b;
  }

 private:
  PreparedDataOptions o_;
  ShardSet photos_, style_;
  EpochOrder photo_order_, style_order_;
};

}  // namespace

std::unique_ptr<BatchSource> open_prepared_data(const std::string& prepared_dir,
                                                const PreparedDataOptions& o) {
  check(o.image_size >= 8 && o.image_size <= 4096, "data: image size must be in 8..4096, got ",
        o.image_size);
  check(o.batch_size >= 1 && o.batch_size <= 4096, "data: batch size must be in 1..4096, got ",
        o.batch_size);
  check(o.threads >= 0 && o.threads <= 64, "data: loader threads must be in 0..64, got ",
        o.threads);
  check(o.max_scale >= 1 && o.max_scale <= 8, "data: max scale must be in 1..8, got ", o.max_scale);
  auto manifest = read_manifest(prepared_dir);
  auto sampler = std::make_shared<PreparedSampler>(prepared_dir, manifest, o);
  return std::make_unique<PrefetchingBatchSource>(
      [sampler](int64_t step) { return sampler->make(step); }, o.threads,
      std::max(2, 2 * o.threads));
}

PreparedDataInfo prepared_data_info(const std::string& prepared_dir) {
  auto manifest = read_manifest(prepared_dir);
  PreparedDataInfo info;
  try {
    for (const auto& shard : manifest.at("domains").at("photos").at("shards"))
      info.photos += shard.at("images").get<int64_t>();
    for (const auto& shard : manifest.at("domains").at("style").at("shards"))
      info.style += shard.at("images").get<int64_t>();
  } catch (const nlohmann::json::exception& e) {
    fail(prepared_dir, ": corrupt manifest (", e.what(), "); run 'comicgan prepare' again");
  }
  return info;
}

}  // namespace comicgan::data
