#include <opencv2/core.hpp>

namespace comicgan {

void set_media_threads(int threads) { cv::setNumThreads(threads); }

}  // namespace comicgan
