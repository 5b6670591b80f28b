#include "infer/fast_generator.h"

#include <torch/torch.h>

#include <chrono>
#include <mutex>

#include "comicgan/error.h"
#include "infer/buffer_pool.h"
#include "infer/packed_conv.h"
#include "models/animegan2.h"
#include "models/one_group_norm.h"
#include "models/reflection_pad.h"

namespace comicgan::infer {
namespace {

using Clock = std::chrono::steady_clock;

// One layer of the plan: a convolution (with what follows it fused), or a bilinear upsampling.
struct Step {
  enum Kind { kConv, kUpsample } kind = kConv;
  at::Tensor weight, bias;  // run precision, channels_last (for at::conv2d, without oneDNN)
  std::shared_ptr<PackedConv> packed;  // with oneDNN
  int64_t kernel = 1, stride = 1, groups = 1, in_channels = 0, out_channels = 0;
  PadSpec in_pad;  // the reflection padding this convolution reads around its input
  bool norm = false;
  std::vector<float> gamma, beta;
  double eps = 1e-5;
  float negative_slope = 1.0f;
  bool push_skip = false;  // keep this step's input: an inverted residual block starts here
  bool add_skip = false;   // add the kept input after the normalization
  bool tanh = false;
};

// An NHWC activation inside a buffer carrying the padding its consumer reads.
struct Activation {
  at::Tensor buffer;
  PadSpec pad;
  int64_t height = 0, width = 0, channels = 0;
  int level = 0;  // each stride-2 layer adds one, each upsampling takes one off

  NhwcView view() const {
    NhwcView v;
    const int64_t padded_width = width + pad.left + pad.right;
    size_t esize = buffer.element_size();
    v.data = static_cast<char*>(buffer.data_ptr()) +
             (pad.top * padded_width + pad.left) * channels * esize;
    v.height = height;
    v.width = width;
    v.channels = channels;
    v.row_stride = padded_width * channels;
    v.dtype = buffer.scalar_type();
    return v;
  }
};

Activation make_activation(BufferPool& pool, int64_t channels, int64_t height, int64_t width,
                           const PadSpec& pad, at::ScalarType dtype, int level) {
  Activation a;
  a.buffer =
      pool.nhwc(channels, height + pad.top + pad.bottom, width + pad.left + pad.right, dtype);
  a.pad = pad;
  a.height = height;
  a.width = width;
  a.channels = channels;
  a.level = level;
  return a;
}

NhwcView dense_view(const at::Tensor& y) {
  NhwcView v;
  v.data = y.data_ptr();
  v.channels = y.size(1);
  v.height = y.size(2);
  v.width = y.size(3);
  v.row_stride = v.width * v.channels;
  v.dtype = y.scalar_type();
  return v;
}

int64_t conv_out(int64_t n, const Step& s, bool vertical) {
  int64_t pad = vertical ? s.in_pad.top + s.in_pad.bottom : s.in_pad.left + s.in_pad.right;
  return (n + pad - s.kernel) / s.stride + 1;
}

double conv_flops(const Step& s, int64_t out_h, int64_t out_w) {
  return 2.0 * double(out_h * out_w) * double(s.out_channels) * double(s.in_channels / s.groups) *
         double(s.kernel * s.kernel);
}

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

}  // namespace

struct FastGenerator::Plan {
  std::vector<Step> steps;
  bool align_corners = true;
  int64_t norms = 0;
  // What a call uses, kept between calls; one call at a time.
  std::mutex busy;
  BufferPool pool;
  std::vector<float> scale, shift;

  FastPathOptions options;
  bool dnnl = false;  // options.conv asked for oneDNN and this build has it

  void add_conv(const torch::nn::Conv2dImpl& conv, at::ScalarType dtype) {
    Step s;
    s.kernel = conv.weight.size(2);
    check(conv.weight.size(3) == s.kernel, "fast path: square kernels only");
    s.stride = (*conv.options.stride())[0];
    s.groups = conv.options.groups();
    s.in_channels = conv.weight.size(1) * s.groups;
    s.out_channels = conv.weight.size(0);
    if (dnnl) {
      s.packed = std::make_shared<PackedConv>(conv.weight, conv.bias, s.stride, s.groups, dtype,
                                              options.winograd);
    } else {
      s.weight =
          conv.weight.detach().to(at::kCPU, dtype).contiguous(at::MemoryFormat::ChannelsLast);
      if (conv.bias.defined()) s.bias = conv.bias.detach().to(at::kCPU, dtype).contiguous();
    }
    steps.push_back(std::move(s));
  }
  void add_norm(const models::OneGroupNormImpl& gn) {
    Step& s = steps.back();
    s.norm = true;
    s.eps = gn.eps;
    at::Tensor g = gn.weight.detach().to(at::kCPU, at::kFloat).contiguous();
    at::Tensor b = gn.bias.detach().to(at::kCPU, at::kFloat).contiguous();
    s.gamma.assign(g.data_ptr<float>(), g.data_ptr<float>() + g.numel());
    s.beta.assign(b.data_ptr<float>(), b.data_ptr<float>() + b.numel());
    ++norms;
  }
  void add_conv_norm_lrelu(const models::ConvNormLReLUImpl& m, at::ScalarType dtype) {
    auto children = m.children();
    check(children.size() == 4, "fast path: unexpected ConvNormLReLU layout");
    auto pad = children[0]->as<models::ReflectionPadImpl>()->padding;
    add_conv(*children[1]->as<torch::nn::Conv2dImpl>(), dtype);
    steps.back().in_pad = {pad[0], pad[1], pad[2], pad[3]};
    add_norm(*children[2]->as<models::OneGroupNormImpl>());
    steps.back().negative_slope =
        float(children[3]->as<torch::nn::LeakyReLUImpl>()->options.negative_slope());
  }
  void add_block(const torch::nn::Sequential& block, at::ScalarType dtype) {
    for (const auto& child : block->children()) {
      if (auto* c = child->as<models::ConvNormLReLUImpl>()) {
        add_conv_norm_lrelu(*c, dtype);
      } else if (auto* r = child->as<models::InvertedResBlockImpl>()) {
        size_t first = steps.size();
        for (const auto& layer : r->layers->children()) {
          if (auto* cn = layer->as<models::ConvNormLReLUImpl>())
            add_conv_norm_lrelu(*cn, dtype);
          else if (auto* conv = layer->as<torch::nn::Conv2dImpl>())
            add_conv(*conv, dtype);
          else if (auto* gn = layer->as<models::OneGroupNormImpl>())
            add_norm(*gn);
          else
            fail("fast path: unexpected layer in an inverted residual block");
        }
        steps[first].push_skip = r->use_res_connect;
        steps.back().add_skip = r->use_res_connect;
      } else {
        fail("fast path: unexpected layer ", child->name());
      }
    }
  }
  void add_upsample() {
    Step s;
    s.kind = Step::kUpsample;
    steps.push_back(s);
  }
  // The padding the step after `i` reads around its input.
  PadSpec pad_after(size_t i) const {
    return i + 1 < steps.size() && steps[i + 1].kind == Step::kConv ? steps[i + 1].in_pad
                                                                    : PadSpec{};
  }
};

FastGenerator::FastGenerator(const models::Generator& generator, at::ScalarType dtype,
                             const FastPathOptions& options)
    : plan_(std::make_unique<Plan>()), dtype_(dtype) {
  check(dtype == at::kFloat || dtype == at::kBFloat16, "fast path: fp32 or bf16 only");
  auto* g = dynamic_cast<const models::AnimeGAN2Generator*>(&generator);
  check(g != nullptr, "fast path: only the animegan2 architecture is supported");
  torch::NoGradGuard no_grad;
  plan_->options = options;
  plan_->dnnl = options.conv == FastPathOptions::Conv::kDnnl && PackedConv::available();
  plan_->align_corners = g->config().align_corners;
  plan_->add_block(g->block_a, dtype);
  plan_->add_block(g->block_b, dtype);
  plan_->add_block(g->block_c, dtype);
  plan_->add_upsample();
  plan_->add_block(g->block_d, dtype);
  plan_->add_upsample();
  plan_->add_block(g->block_e, dtype);
  auto out = g->out_layer->children();
  check(out.size() == 2 && out[0]->as<torch::nn::Conv2dImpl>() && out[1]->as<torch::nn::TanhImpl>(),
        "fast path: unexpected output layer");
  plan_->add_conv(*out[0]->as<torch::nn::Conv2dImpl>(), dtype);
  plan_->steps.back().tanh = true;
}

FastGenerator::~FastGenerator() = default;

bool FastGenerator::supports(const models::Generator& generator) {
  return dynamic_cast<const models::AnimeGAN2Generator*>(&generator) != nullptr;
}

int64_t FastGenerator::normalization_count() const { return plan_->norms; }

const char* FastGenerator::conv_backend() const { return plan_->dnnl ? "dnnl" : "aten"; }

int FastGenerator::winograd_convolutions() const {
  std::lock_guard<std::mutex> no_call(plan_->busy);
  int n = 0;
  for (const Step& s : plan_->steps) n += s.packed && s.packed->uses_winograd();
  return n;
}

int64_t FastGenerator::receptive_radius() const {
  int64_t radius = 0;
  int level = 0;
  for (const Step& s : plan_->steps) {
    if (s.kind == Step::kUpsample) {
      radius += int64_t(1) << level;  // bilinear reads one source pixel either side
      --level;
      continue;
    }
    int64_t reach = std::max(
        {s.in_pad.left, s.in_pad.right, s.in_pad.top, s.in_pad.bottom, (s.kernel - 1) / 2});
    radius += reach << level;
    if (s.stride == 2) ++level;
  }
  return radius;
}

double FastGenerator::flops(int64_t height, int64_t width) const {
  double total = 0;
  int64_t h = height, w = width, half_h = 0, half_w = 0;
  int upsamples = 0;
  for (const Step& s : plan_->steps) {
    if (s.kind == Step::kUpsample) {
      if (plan_->align_corners) {
        h = upsamples == 0 ? half_h : height;
        w = upsamples == 0 ? half_w : width;
      } else {
        h *= 2;
        w *= 2;
      }
      ++upsamples;
      continue;
    }
    h = conv_out(h, s, true);
    w = conv_out(w, s, false);
    if (s.stride == 2 && half_h == 0) half_h = h, half_w = w;
    total += conv_flops(s, h, w);
  }
  return total;
}

at::Tensor FastGenerator::forward(const at::Tensor& photo, LayerTimes* times,
                                  const TileContext* tile, std::vector<Moments>* stats_out) {
  check(photo.dim() == 4 && photo.size(0) == 1 && photo.size(1) == 3,
        "fast path: expected (1,3,H,W), found ", photo.sizes());
  check(photo.size(2) >= 4 && photo.size(3) >= 4, "fast path: input must be at least 4x4, found ",
        photo.size(3), "x", photo.size(2));
  c10::InferenceMode guard;
  std::lock_guard<std::mutex> one_call(plan_->busy);
  at::init_num_threads();  // oneDNN's OpenMP team in this thread: the threads set for ATen
  BufferPool& pool = plan_->pool;
  struct EndCall {
    BufferPool& pool;
    ~EndCall() { pool.end_call(); }
  } end_call{pool};
  const auto& steps = plan_->steps;
  TileContext whole{photo.size(2), photo.size(3), 0, 0, nullptr};
  const TileContext& ctx = tile ? *tile : whole;
  check(ctx.origin_y % 4 == 0 && ctx.origin_x % 4 == 0,
        "fast path: tile origins must be multiples of 4");
  check(!ctx.stats || int64_t(ctx.stats->size()) == plan_->norms, "fast path: expected ",
        plan_->norms, " normalization statistics, found ", ctx.stats ? ctx.stats->size() : 0);

  auto t = Clock::now();
  Activation cur =
      make_activation(pool, 3, photo.size(2), photo.size(3), steps[0].in_pad, dtype_, 0);
  pack_input(photo.to(at::kFloat), cur.view(), cur.pad);
  if (times) times->input_output += seconds_since(t);

  // Sizes at each level, of this tile and of the whole picture (for align_corners scales).
  int64_t full_h = ctx.full_height, full_w = ctx.full_width;
  std::vector<std::array<int64_t, 4>> level_sizes = {{cur.height, cur.width, full_h, full_w}};
  Activation skip;
  std::vector<float>& scale = plan_->scale;
  std::vector<float>& shift = plan_->shift;
  int64_t norm_index = 0;
  at::Tensor result;
  for (size_t i = 0; i < steps.size(); ++i) {
    const Step& s = steps[i];
    const PadSpec out_pad = plan_->pad_after(i);
    t = Clock::now();
    if (s.kind == Step::kUpsample) {
      const auto& src = level_sizes[size_t(cur.level)];
      const auto& dst = level_sizes[size_t(cur.level - 1)];
      int64_t out_h = plan_->align_corners ? dst[0] : cur.height * 2;
      int64_t out_w = plan_->align_corners ? dst[1] : cur.width * 2;
      Activation next =
          make_activation(pool, cur.channels, out_h, out_w, out_pad, dtype_, cur.level - 1);
      auto axis = [&](int64_t src_full, int64_t dst_full, int64_t origin) {
        ResampleAxis a;
        if (plan_->align_corners) {
          a.scale = dst_full > 1 ? float(src_full - 1) / float(dst_full - 1) : 0.0f;
        } else {
          a.scale = 0.5f;
          a.half_pixel = 0.5f;
        }
        a.dst_origin = origin >> (cur.level - 1);
        a.src_origin = origin >> cur.level;
        return a;
      };
      upsample_bilinear(cur.view(), next.view(), axis(src[2], dst[2], ctx.origin_y),
                        axis(src[3], dst[3], ctx.origin_x), out_pad);
      cur = std::move(next);
      if (times) times->upsample += seconds_since(t);
      continue;
    }
    if (s.push_skip) skip = cur;
    at::Tensor y;
    if (s.packed) {
      const int64_t in_h = cur.buffer.size(2), in_w = cur.buffer.size(3);
      auto shape = s.packed->prepare(in_h, in_w, s.tanh);
      // The output layer: fp32, tanh applied (copied to the caller's NCHW result below).
      y = pool.nhwc(s.out_channels, shape.out_height, shape.out_width,
                    s.tanh ? at::kFloat : dtype_);
      s.packed->run(cur.buffer.data_ptr(), in_h, in_w, s.tanh, y.data_ptr(),
                    pool.scratch(shape.scratch_bytes));
    } else {
      const std::array<int64_t, 2> stride = {s.stride, s.stride}, zero = {0, 0}, one = {1, 1};
      y = at::conv2d(cur.buffer, s.weight, s.bias, stride, zero, one, s.groups);
      if (!y.is_contiguous(at::MemoryFormat::ChannelsLast))
        y = y.contiguous(at::MemoryFormat::ChannelsLast);
    }
    if (times) {
      double spent = seconds_since(t);
      times->conv += spent;
      times->convolutions.push_back(
          {std::to_string(s.kernel) + "x" + std::to_string(s.kernel) + " " +
               std::to_string(s.in_channels) + "->" + std::to_string(s.out_channels) + " /" +
               std::to_string(s.stride) + " g" + std::to_string(s.groups) + " at " +
               std::to_string(y.size(3)) + "x" + std::to_string(y.size(2)),
           spent, conv_flops(s, y.size(2), y.size(3)) / 1e9});
    }
    int level = cur.level + (s.stride == 2 ? 1 : 0);
    if (s.stride == 2 && size_t(level) == level_sizes.size()) {
      const auto& up = level_sizes.back();
      // The whole picture's size at this level, by the same arithmetic as the tile's.
      level_sizes.push_back(
          {y.size(2), y.size(3), conv_out(up[2], s, true), conv_out(up[3], s, false)});
    }
    if (s.tanh) {
      t = Clock::now();
      // With oneDNN, y is a pool block the next call reuses: the result is always a copy.
      result =
          s.packed ? y.clone(at::MemoryFormat::Contiguous) : y.tanh_().to(at::kFloat).contiguous();
      if (times) times->input_output += seconds_since(t);
      break;
    }
    t = Clock::now();
    check(s.norm, "fast path: a convolution without normalization before the output");
    NhwcView yv = dense_view(y);
    Moments m = ctx.stats ? (*ctx.stats)[size_t(norm_index)] : moments(yv, s.eps);
    if (stats_out) stats_out->push_back(m);
    ++norm_index;
    scale.resize(size_t(s.out_channels));
    shift.resize(size_t(s.out_channels));
    norm_coefficients(m, s.gamma.data(), s.beta.data(), s.out_channels, scale.data(), shift.data());
    Activation next =
        make_activation(pool, s.out_channels, y.size(2), y.size(3), out_pad, dtype_, level);
    NhwcView skip_view;
    if (s.add_skip) skip_view = skip.view();
    norm_act(yv, {scale.data(), shift.data(), s.negative_slope}, s.add_skip ? &skip_view : nullptr,
             next.view(), out_pad);
    if (s.add_skip) skip = Activation();
    cur = std::move(next);
    if (times) times->norm_act_pad += seconds_since(t);
  }
  return result;
}

}  // namespace comicgan::infer
