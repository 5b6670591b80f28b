// The AnimeGANv2 training losses (tools/ops.py of the TensorFlow reference), on NCHW tensors.
// Images are RGB in [-1,1]; features come from the perceptual network (models/vgg.h).
#pragma once

#include <ATen/ATen.h>

#include <string>

namespace comicgan::train {

enum class GanLoss { lsgan, bce, hinge };
GanLoss parse_gan_loss(const std::string& name);  // "lsgan", "bce" or "hinge"
std::string gan_loss_name(GanLoss loss);

// What the generator minimises on the discriminator's logits for its images:
// lsgan mean((D-1)^2), bce softplus(-D) (labels 1), hinge -mean(D).
at::Tensor generator_adversarial_loss(GanLoss loss, const at::Tensor& fake_logits);

// The discriminator judges four kinds of images: style images (real), generated ones, grayscale
// style images and edge-smoothed style images; only the first is "real". The reference weighs
// the terms 1.7, 1.7, 1.7, 1.0.
// `photo` (0 in AnimeGANv2) also shows D the training photos as "not the style", so that it
// learns what tells the style from photos, not only from G's output and the degraded copies.
struct DiscriminatorWeights {
  double real = 1.7, fake = 1.7, gray = 1.7, smooth = 1.0, photo = 0.0;
};
struct DiscriminatorLoss {
  at::Tensor total, real, fake, gray, smooth, photo;  // total: the weighted sum of the terms
};
// `photo_logits` may be undefined (then `photo` is zero and adds nothing).
DiscriminatorLoss discriminator_loss(GanLoss loss, const at::Tensor& real_logits,
                                     const at::Tensor& fake_logits, const at::Tensor& gray_logits,
                                     const at::Tensor& smooth_logits,
                                     const DiscriminatorWeights& weights = {},
                                     const at::Tensor& photo_logits = {});

// L1 between feature maps of the photo and of the generated image.
at::Tensor content_loss(const at::Tensor& photo_features, const at::Tensor& fake_features);

// Gram matrices (N,C,C) of features (N,C,H,W), divided by C*H*W as the reference does.
at::Tensor gram(const at::Tensor& features);

// L1 between the Gram matrices of grayscale style features and generated features.
at::Tensor style_loss(const at::Tensor& style_features, const at::Tensor& fake_features);

// tf.image.rgb_to_yuv of images mapped from [-1,1] to [0,1].
at::Tensor rgb_to_yuv(const at::Tensor& image);

// L1 on Y plus Huber (delta 1) on U and on V, between photo and generated image.
at::Tensor color_loss(const at::Tensor& photo, const at::Tensor& fake);

// CIE L*a*b* (D65, sRGB companding; L in [0,100]) of RGB images in [-1,1], as OpenCV's
// cvtColor(BGR2Lab) computes it for float pictures in [0,1]. Differentiable everywhere.
at::Tensor rgb_to_lab(const at::Tensor& image);

// How far the colours of `fake` are from the photo's at a coarse scale: both average-pooled by
// `factor` (so detail, lines and flattening are free), then the mean CIE76 distance (Euclidean in
// Lab) over the pooled pixels. The training side of comicgan eval's colour_shift.
at::Tensor lab_color_loss(const at::Tensor& photo, const at::Tensor& fake, int64_t factor);

// Truncated total variation of the luma (0-255 scale): mean over horizontal and vertical
// neighbour differences d of min(|d|, threshold) / threshold. Weak gradients (texture, noise)
// are pushed to zero while edges steeper than `threshold` cost a constant, so flat regions grow
// and edges stay: the training side of comicgan eval's flat_gain.
at::Tensor flat_loss(const at::Tensor& image, double threshold);

// Mean squared differences of vertical and of horizontal neighbours, each halved (tf.nn.l2_loss
// divided by the element count).
at::Tensor total_variation_loss(const at::Tensor& image);

}  // namespace comicgan::train
