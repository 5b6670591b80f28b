#include <oneapi/dnnl/dnnl.hpp>

#include <list>
#include <unordered_map>
#include <vector>

#include "comicgan/error.h"
#include "infer/packed_conv.h"

namespace comicgan::infer {
namespace {

using dt = dnnl::memory::data_type;
using tag = dnnl::memory::format_tag;

const dnnl::engine& cpu_engine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

// Primitives kept per convolution: the sizes of one picture, of a few tile shapes, of the
// first pass of tiled statistics. More than this and the oldest is dropped.
constexpr size_t kShapesKept = 8;

}  // namespace

struct PackedConv::Impl {
  at::Tensor weight, bias;  // plain (O, I/g, K, K) in the compute type; bias fp32
  int64_t stride = 1, groups = 1, kernel = 1, in_channels = 0, out_channels = 0;
  dt type = dt::f32;
  bool winograd = true;        // allowed (for fp32 3x3 stride 1: F(4x4, 3x3))
  bool winograd_used = false;  // chosen by a primitive made so far

  struct Packed {  // the weights in one layout a primitive asked for
    dnnl::memory::desc desc;
    dnnl::memory memory;
  };
  std::vector<Packed> packed;

  struct Primitive {
    int64_t height = 0, width = 0;
    bool final_output = false;
    Shape shape;
    dnnl::convolution_forward conv;
    dnnl::memory src, weights, bias, dst, scratch;
    std::unordered_map<int, dnnl::memory> args;  // the memories above, by argument
    // Winograd wants blocked activations: the NHWC source and destination are reordered to and
    // from copies that live in the scratch memory, after the convolution's own scratch.
    bool blocked = false;
    dnnl::memory blocked_src, blocked_dst;
    dnnl::reorder to_blocked, from_blocked;
    size_t conv_scratch = 0, src_offset = 0, dst_offset = 0;
  };
  std::list<Primitive> primitives;  // most recently used first
  dnnl::stream stream{cpu_engine()};

  dnnl::memory::dims weight_dims() const {
    if (groups == 1) return {out_channels, in_channels, kernel, kernel};
    return {groups, out_channels / groups, in_channels / groups, kernel, kernel};
  }

  const dnnl::memory& weights_as(const dnnl::memory::desc& desc) {
    for (auto& p : packed)
      if (p.desc == desc) return p.memory;
    dnnl::memory plain({weight_dims(), type, groups == 1 ? tag::oihw : tag::goihw}, cpu_engine(),
                       weight.data_ptr());
    dnnl::memory reordered(desc, cpu_engine());
    dnnl::reorder(plain, reordered).execute(stream, plain, reordered);
    stream.wait();
    packed.push_back({desc, reordered});
    return packed.back().memory;
  }

  Primitive& primitive(int64_t height, int64_t width, bool final_output) {
    for (auto it = primitives.begin(); it != primitives.end(); ++it) {
      if (it->height == height && it->width == width && it->final_output == final_output) {
        primitives.splice(primitives.begin(), primitives, it);
        return primitives.front();
      }
    }
    check(height >= kernel && width >= kernel, "fast path: a ", height, "x", width,
          " input is smaller than the ", kernel, "x", kernel, " kernel");
    Primitive p;
    p.height = height;
    p.width = width;
    p.final_output = final_output;
    p.shape.out_height = (height - kernel) / stride + 1;
    p.shape.out_width = (width - kernel) / stride + 1;
    const auto& engine = cpu_engine();
    dnnl::memory::desc src_md({1, in_channels, height, width}, type, tag::nhwc);
    dnnl::memory::desc dst_md({1, out_channels, p.shape.out_height, p.shape.out_width},
                              final_output ? dt::f32 : type, tag::nhwc);
    dnnl::memory::desc weights_any(weight_dims(), type, tag::any);
    dnnl::memory::desc bias_md =
        bias.defined() ? dnnl::memory::desc({out_channels}, dt::f32, tag::a) : dnnl::memory::desc();
    dnnl::convolution_forward::desc desc(dnnl::prop_kind::forward_inference,
                                         dnnl::algorithm::convolution_direct, src_md, weights_any,
                                         bias_md, dst_md, {stride, stride}, {0, 0}, {0, 0});
    dnnl::primitive_attr attr;
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    if (final_output) {
      dnnl::post_ops ops;
      ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_tanh, 0.0f, 0.0f);
      attr.set_post_ops(ops);
    }
    dnnl::convolution_forward::primitive_desc pd;
    if (winograd && type == dt::f32 && kernel == 3 && stride == 1 && groups == 1) {
      dnnl::convolution_forward::desc wino(
          dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_winograd,
          dnnl::memory::desc(src_md.dims(), type, tag::any), weights_any, bias_md,
          dnnl::memory::desc(dst_md.dims(), type, tag::any), {stride, stride}, {0, 0}, {0, 0});
      pd = dnnl::convolution_forward::primitive_desc(wino, attr, engine, /*allow_empty=*/true);
      winograd_used = winograd_used || bool(pd);
    }
    if (!pd) pd = dnnl::convolution_forward::primitive_desc(desc, attr, engine);
    p.conv = dnnl::convolution_forward(pd);
    p.weights = weights_as(pd.weights_desc());
    p.src = dnnl::memory(src_md, engine, DNNL_MEMORY_NONE);
    p.dst = dnnl::memory(dst_md, engine, DNNL_MEMORY_NONE);
    p.scratch = dnnl::memory(pd.scratchpad_desc(), engine, DNNL_MEMORY_NONE);
    auto aligned = [](size_t n) { return (n + 63) / 64 * 64; };
    p.conv_scratch = pd.scratchpad_desc().get_size();
    p.shape.scratch_bytes = p.conv_scratch;
    p.blocked = !(pd.src_desc() == src_md) || !(pd.dst_desc() == dst_md);
    if (p.blocked) {
      p.blocked_src = dnnl::memory(pd.src_desc(), engine, DNNL_MEMORY_NONE);
      p.blocked_dst = dnnl::memory(pd.dst_desc(), engine, DNNL_MEMORY_NONE);
      p.to_blocked = dnnl::reorder(p.src, p.blocked_src);
      p.from_blocked = dnnl::reorder(p.blocked_dst, p.dst);
      p.src_offset = aligned(p.conv_scratch);
      p.dst_offset = p.src_offset + aligned(pd.src_desc().get_size());
      p.shape.scratch_bytes = p.dst_offset + pd.dst_desc().get_size();
    }
    const dnnl::memory& conv_src = p.blocked ? p.blocked_src : p.src;
    const dnnl::memory& conv_dst = p.blocked ? p.blocked_dst : p.dst;
    p.args = {{DNNL_ARG_SRC, conv_src},
              {DNNL_ARG_WEIGHTS, p.weights},
              {DNNL_ARG_DST, conv_dst},
              {DNNL_ARG_SCRATCHPAD, p.scratch}};
    if (bias.defined()) {
      p.bias = dnnl::memory(bias_md, engine, bias.data_ptr());
      p.args.emplace(DNNL_ARG_BIAS, p.bias);
    }
    primitives.push_front(std::move(p));
    if (primitives.size() > kShapesKept) primitives.pop_back();
    return primitives.front();
  }
};

bool PackedConv::available() { return true; }

PackedConv::PackedConv(const at::Tensor& weight, const at::Tensor& bias, int64_t stride,
                       int64_t groups, at::ScalarType dtype, bool winograd)
    : impl_(std::make_unique<Impl>()) {
  check(weight.dim() == 4 && weight.size(2) == weight.size(3), "fast path: square kernels only");
  check(dtype == at::kFloat || dtype == at::kBFloat16, "fast path: fp32 or bf16 only");
  Impl& m = *impl_;
  m.type = dtype == at::kBFloat16 ? dt::bf16 : dt::f32;
  m.winograd = winograd;
  m.weight = weight.detach().to(at::kCPU, dtype).contiguous();
  if (bias.defined()) m.bias = bias.detach().to(at::kCPU, at::kFloat).contiguous();
  m.stride = stride;
  m.groups = groups;
  m.kernel = weight.size(2);
  m.out_channels = weight.size(0);
  m.in_channels = weight.size(1) * groups;
}

PackedConv::~PackedConv() = default;
PackedConv::PackedConv(PackedConv&&) noexcept = default;
PackedConv& PackedConv::operator=(PackedConv&&) noexcept = default;

PackedConv::Shape PackedConv::prepare(int64_t height, int64_t width, bool final_output) {
  return impl_->primitive(height, width, final_output).shape;
}

bool PackedConv::uses_winograd() const { return impl_->winograd_used; }

void PackedConv::run(const void* src, int64_t height, int64_t width, bool final_output, void* dst,
                     void* scratch) {
  auto& p = impl_->primitive(height, width, final_output);
  p.src.set_data_handle(const_cast<void*>(src));
  p.dst.set_data_handle(dst);
  auto& stream = impl_->stream;
  if (p.conv_scratch) p.scratch.set_data_handle(scratch);
  if (p.blocked) {
    p.blocked_src.set_data_handle(static_cast<char*>(scratch) + p.src_offset);
    p.blocked_dst.set_data_handle(static_cast<char*>(scratch) + p.dst_offset);
    p.to_blocked.execute(stream, p.src, p.blocked_src);
  }
  p.conv.execute(stream, p.args);
  if (p.blocked) p.from_blocked.execute(stream, p.blocked_dst, p.dst);
  stream.wait();
}

}  // namespace comicgan::infer
