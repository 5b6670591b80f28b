// Converting between comicgan::Image (RGB/RGBA, the library's picture type) and OpenCV's cv::Mat
// (BGR/BGRA, what OpenCV functions expect). Needs OpenCV: include it only from *_media.cpp files
// and the media folders (data, video, eval, serve).
#pragma once

#include <opencv2/core.hpp>

#include "comicgan/image.h"

namespace comicgan::io {

// A BGR (CV_8UC3) or BGRA (CV_8UC4) copy of `image`.
cv::Mat image_to_bgr_mat(const Image& image);

// An Image from an 8-bit Mat in OpenCV's channel order: BGR -> RGB, BGRA -> RGBA, gray (1
// channel) -> RGB, gray+alpha (2 channels) -> RGBA. Throws comicgan::Error for other types.
Image bgr_mat_to_image(const cv::Mat& mat);

// Drops alpha by compositing over white, as viewers show it (for formats or uses without alpha).
// Works in either channel order: BGRA -> BGR, RGBA -> RGB.
cv::Mat over_white(const cv::Mat& four_channels);

// A Mat header over the image's own pixels in RGB/RGBA order, without copying: writes go to the
// image. Valid while `image` lives and its pixels are not reallocated.
cv::Mat rgb_mat_view(Image& image);

}  // namespace comicgan::io
