#include "train/losses.h"

#include <torch/torch.h>

#include "comicgan/error.h"

namespace comicgan::train {
namespace F = torch::nn::functional;

GanLoss parse_gan_loss(const std::string& name) {
  if (name == "lsgan") return GanLoss::lsgan;
  if (name == "bce") return GanLoss::bce;
  if (name == "hinge") return GanLoss::hinge;
  fail("unknown adversarial loss '", name, "' (known: lsgan, bce, hinge)");
}

std::string gan_loss_name(GanLoss loss) {
  switch (loss) {
    case GanLoss::lsgan:
      return "lsgan";
    case GanLoss::bce:
      return "bce";
    case GanLoss::hinge:
      return "hinge";
  }
  return "?";
}

at::Tensor generator_adversarial_loss(GanLoss loss, const at::Tensor& fake) {
  switch (loss) {
    case GanLoss::lsgan:
      return (fake - 1).square().mean();
    case GanLoss::bce:
      return F::binary_cross_entropy_with_logits(fake, torch::ones_like(fake));
    case GanLoss::hinge:
      return -fake.mean();
  }
  fail("unknown adversarial loss");
}

namespace {
// The discriminator's loss on logits that should read "real" (true) or "not the style" (false).
at::Tensor judge(GanLoss loss, const at::Tensor& logits, bool real) {
  switch (loss) {
    case GanLoss::lsgan:
      return real ? (logits - 1).square().mean() : logits.square().mean();
    case GanLoss::bce:
      return F::binary_cross_entropy_with_logits(
          logits, real ? torch::ones_like(logits) : torch::zeros_like(logits));
    case GanLoss::hinge:
      return real ? torch::relu(1 - logits).mean() : torch::relu(1 + logits).mean();
  }
  fail("unknown adversarial loss");
}
}  // namespace

DiscriminatorLoss discriminator_loss(GanLoss loss, const at::Tensor& real_logits,
                                     const at::Tensor& fake_logits, const at::Tensor& gray_logits,
                                     const at::Tensor& smooth_logits, const DiscriminatorWeights& w,
                                     const at::Tensor& photo_logits) {
  DiscriminatorLoss out;
  out.real = judge(loss, real_logits, true);
  out.fake = judge(loss, fake_logits, false);
  out.gray = judge(loss, gray_logits, false);
  out.smooth = judge(loss, smooth_logits, false);
  out.total = w.real * out.real + w.fake * out.fake + w.gray * out.gray + w.smooth * out.smooth;
  if (photo_logits.defined()) {
    out.photo = judge(loss, photo_logits, false);
    out.total = out.total + w.photo * out.photo;
  } else {
    out.photo = torch::zeros({}, real_logits.options());
  }
  return out;
}

at::Tensor content_loss(const at::Tensor& photo_features, const at::Tensor& fake_features) {
  return (photo_features - fake_features).abs().mean();
}

at::Tensor gram(const at::Tensor& features) {
  check(features.dim() == 4, "gram: expected features (N,C,H,W), found ", features.sizes());
  const int64_t n = features.size(0), c = features.size(1);
  auto flat = features.reshape({n, c, -1});
  return torch::bmm(flat, flat.transpose(1, 2)) / double(c * flat.size(2));
}

at::Tensor style_loss(const at::Tensor& style_features, const at::Tensor& fake_features) {
  return (gram(style_features) - gram(fake_features)).abs().mean();
}

at::Tensor rgb_to_yuv(const at::Tensor& image) {
  check(image.dim() == 4 && image.size(1) == 3, "rgb_to_yuv: expected (N,3,H,W), found ",
        image.sizes());
  // tf.image.rgb_to_yuv's kernel, rows = output Y, U, V.
  static const float kYuv[9] = {0.299f,       0.587f,       0.114f,       //
                                -0.14714119f, -0.28886916f, 0.43601035f,  //
                                0.61497538f,  -0.51496512f, -0.10001026f};
  auto m = torch::from_blob(const_cast<float*>(kYuv), {3, 3}, torch::kFloat).to(image.options());
  auto rgb = (image + 1) * 0.5;
  return torch::einsum("oc,nchw->nohw", {m, rgb});
}

at::Tensor color_loss(const at::Tensor& photo, const at::Tensor& fake) {
  auto a = rgb_to_yuv(photo), b = rgb_to_yuv(fake);
  auto y = (a.select(1, 0) - b.select(1, 0)).abs().mean();
  auto u = torch::smooth_l1_loss(a.select(1, 1), b.select(1, 1), at::Reduction::Mean, 1.0);
  auto v = torch::smooth_l1_loss(a.select(1, 2), b.select(1, 2), at::Reduction::Mean, 1.0);
  return y + u + v;
}

at::Tensor rgb_to_lab(const at::Tensor& image) {
  check(image.dim() == 4 && image.size(1) == 3, "rgb_to_lab: expected (N,3,H,W), found ",
        image.sizes());
  auto rgb = ((image + 1) * 0.5).clamp(0, 1);
  auto linear =
      torch::where(rgb > 0.04045, ((rgb + 0.055) / 1.055).clamp_min(1e-6).pow(2.4), rgb / 12.92);
  // sRGB -> XYZ (D65), each row divided by the white point's X, Y, Z as OpenCV does.
  static const float kXyz[9] = {0.412453f / 0.950456f,
                                0.357580f / 0.950456f,
                                0.180423f / 0.950456f,
                                0.212671f,
                                0.715160f,
                                0.072169f,
                                0.019334f / 1.088754f,
                                0.119193f / 1.088754f,
                                0.950227f / 1.088754f};
  auto m = torch::from_blob(const_cast<float*>(kXyz), {3, 3}, torch::kFloat).to(image.options());
  auto xyz = torch::einsum("oc,nchw->nohw", {m, linear});
  constexpr double kEdge = 0.008856;
  // Both branches are evaluated: the cube root only sees values above the edge (no infinite
  // gradient at 0).
  auto f =
      torch::where(xyz > kEdge, xyz.clamp_min(kEdge).pow(1.0 / 3.0), 7.787 * xyz + 16.0 / 116.0);
  auto fx = f.select(1, 0), fy = f.select(1, 1), fz = f.select(1, 2);
  return torch::stack({116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)}, 1);
}

at::Tensor lab_color_loss(const at::Tensor& photo, const at::Tensor& fake, int64_t factor) {
  check(factor >= 1, "lab_color_loss: pooling factor must be >= 1, found ", factor);
  check(photo.sizes() == fake.sizes(), "lab_color_loss: photo ", photo.sizes(), " and image ",
        fake.sizes(), " differ in size");
  auto pool = [&](const at::Tensor& t) {
    return factor == 1 ? t : torch::avg_pool2d(t, {factor, factor}, {factor, factor}, {0, 0}, true);
  };
  auto d = rgb_to_lab(pool(photo)) - rgb_to_lab(pool(fake));
  return (d.square().sum(1) + 1e-4).sqrt().mean();  // +1e-4: a finite gradient at distance 0
}

at::Tensor flat_loss(const at::Tensor& image, double threshold) {
  check(image.dim() == 4 && image.size(1) == 3, "flat_loss: expected (N,3,H,W), found ",
        image.sizes());
  check(threshold > 0, "flat_loss: threshold must be > 0, found ", threshold);
  using torch::indexing::Slice;
  auto luma =
      (image.select(1, 0) * 0.299 + image.select(1, 1) * 0.587 + image.select(1, 2) * 0.114 + 1) *
      127.5;
  auto dh = luma.index({Slice(), Slice(1)}) - luma.index({Slice(), Slice(0, -1)});
  auto dw = luma.index({Slice(), Slice(), Slice(1)}) - luma.index({Slice(), Slice(), Slice(0, -1)});
  auto cost = [&](const at::Tensor& d) { return d.abs().clamp_max(threshold).mean() / threshold; };
  return (cost(dh) + cost(dw)) * 0.5;
}

at::Tensor total_variation_loss(const at::Tensor& image) {
  using torch::indexing::Slice;
  auto dh =
      image.index({Slice(), Slice(), Slice(0, -1)}) - image.index({Slice(), Slice(), Slice(1)});
  auto dw = image.index({Slice(), Slice(), Slice(), Slice(0, -1)}) -
            image.index({Slice(), Slice(), Slice(), Slice(1)});
  return dh.square().mean() * 0.5 + dw.square().mean() * 0.5;
}

}  // namespace comicgan::train
