#include "video/stylize_video.h"

#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <exception>
#include <filesystem>
#include <optional>
#include <thread>

#include "infer/bounded_queue.h"
#include "infer/stylizer.h"
#include "io/atomic_file.h"
#include "video/frame_folder.h"

namespace comicgan::video {
namespace fs = std::filesystem;

namespace {

struct DecodedFrame {
  VideoFrame frame;
  std::optional<FlowField> flow;  // from the previous input frame, with --consistency flow
};

// The first exception any stage throws; the others stop when they see it.
class Failure {
 public:
  void capture() {
    std::lock_guard lock(mutex_);
    if (!error_) error_ = std::current_exception();
  }
  void rethrow() {
    if (error_) std::rethrow_exception(error_);
  }
  bool failed() {
    std::lock_guard lock(mutex_);
    return error_ != nullptr;
  }

 private:
  std::mutex mutex_;
  std::exception_ptr error_;
};

at::Tensor frames_to_batch(const std::vector<DecodedFrame>& items) {
  std::vector<at::Tensor> tensors;
  tensors.reserve(items.size());
  for (const auto& item : items) tensors.push_back(infer::image_to_tensor(item.frame.rgb));
  return torch::cat(tensors, 0);
}

}  // namespace

bool is_video_job(const std::vector<std::string>& inputs, const std::string& output) {
  if (inputs.size() != 1) return false;
  std::error_code ec;
  if (is_video_path(output)) return true;
  return is_video_path(inputs[0]) && !fs::is_directory(inputs[0], ec);
}

std::unique_ptr<FrameSource> open_frame_source(const std::string& path, Rational folder_fps,
                                               const VideoLimits& limits) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return std::make_unique<FrameFolderSource>(path, folder_fps);
  return std::make_unique<MediaReader>(path, limits);
}

StylizeVideoReport stylize_video(const StylizeVideoJob& job, const BatchStylizer& stylize,
                                 const std::function<void(const std::string&)>& note,
                                 const std::function<void(const VideoProgress&)>& progress) {
  check_option(job.batch >= 1 && job.batch <= 256, "batch", "must be in [1,256], found ",
               job.batch);
  check_option(job.strength >= 0 && job.strength <= 1, "strength", "must be in [0,1], found ",
               job.strength);
  std::unique_ptr<FrameSource> source = open_frame_source(job.input, job.folder_fps, job.limits);
  auto* media = dynamic_cast<MediaReader*>(source.get());
  const VideoInfo info = source->info();

  // The sink writes to a temporary; AtomicFile renames it into place (or removes it).
  const bool to_folder = !is_video_path(job.output);
  std::optional<io::AtomicFile> target;
  std::unique_ptr<FrameSink> sink;
  std::unique_ptr<MediaWriter> writer_holder;
  MediaWriter* writer = nullptr;
  if (to_folder) {
    sink = std::make_unique<FrameFolderSink>(job.output);
  } else {
    target.emplace(job.output);
    if (job.on_temporary) job.on_temporary(target->temp_path());
    writer_holder = std::make_unique<MediaWriter>(
        target->temp_path(), job.output, info, media ? media->format() : nullptr,
        media ? media->video_stream() : -1, job.encode, note);
    writer = writer_holder.get();
    if (note && fs::path(job.output).extension() == ".gif")
      note("GIF keeps time in 1/100 s: frame times are rounded to it");
  }
  FrameSink& out = writer ? static_cast<FrameSink&>(*writer) : *sink;
  auto stop_requested = [&] { return job.cancel && job.cancel->load(); };

  const size_t depth = size_t(2 * job.batch);
  infer::BoundedQueue<DecodedFrame> decoded(depth);
  infer::BoundedQueue<VideoFrame> styled(depth);
  infer::BoundedQueue<PacketPtr> packets(1 << 20);  // bounded in practice by `decoded`
  Failure failure;
  std::atomic<bool> stopped{false};
  auto start = std::chrono::steady_clock::now();

  std::thread reader([&] {
    try {
      std::optional<FlowEstimator> flow;
      if (job.consistency) flow.emplace(job.flow_options);
      Image previous;
      VideoFrame frame;
      while (!failure.failed()) {
        if (stop_requested()) {
          stopped = true;
          break;
        }
        if (!source->next(frame)) break;
        if (media)
          for (auto& p : media->take_other_packets()) packets.push(std::move(p));
        DecodedFrame item;
        if (flow && !previous.empty()) item.flow = flow->between(previous, frame.rgb);
        if (flow) previous = frame.rgb;
        item.frame = std::move(frame);
        if (!decoded.push(std::move(item))) break;
      }
      if (media && !stopped)
        for (auto& p : media->take_other_packets()) packets.push(std::move(p));
    } catch (...) {
      failure.capture();
    }
    decoded.close();
    packets.close();
  });

  int64_t written = 0;
  std::thread encoder([&] {
    try {
      auto copy_packets = [&] {
        while (auto p = packets.try_pop())
          if (writer) writer->write_copied(p->get());
      };
      while (auto frame = styled.pop()) {
        copy_packets();
        out.write(*frame);
        ++written;
      }
      while (auto p = packets.pop())
        if (writer && !failure.failed()) writer->write_copied(p->get());
    } catch (...) {
      failure.capture();
      styled.abandon();
      decoded.abandon();
    }
  });

  try {
    TemporalBlender blender(job.consistency_options);
    VideoProgress state{0, info.frame_count, 0};
    std::vector<DecodedFrame> batch;
    bool more = true;
    while (more && !failure.failed()) {
      batch.clear();
      while (batch.size() < size_t(job.batch)) {
        auto item = decoded.pop();
        if (!item) {
          more = false;
          break;
        }
        batch.push_back(std::move(*item));
      }
      if (stop_requested()) {  // drop what was decoded but not stylized: stop promptly
        stopped = true;
        decoded.abandon();
        break;
      }
      if (batch.empty()) break;
      at::Tensor result = stylize(frames_to_batch(batch));
      for (size_t i = 0; i < batch.size(); ++i) {
        DecodedFrame& item = batch[i];
        Image image = infer::tensor_to_image(result.slice(0, int64_t(i), int64_t(i) + 1),
                                             item.frame.rgb, job.strength);
        if (job.consistency) image = blender.apply(image, item.flow ? &*item.flow : nullptr);
        item.frame.rgb = std::move(image);
        if (!styled.push(std::move(item.frame))) break;
      }
      state.done += int64_t(batch.size());
      state.total = std::max(state.total, state.done);
      state.seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (progress) progress(state);
    }
  } catch (...) {
    failure.capture();
    decoded.abandon();
  }
  styled.close();
  encoder.join();
  decoded.abandon();
  packets.abandon();
  reader.join();
  failure.rethrow();

  StylizeVideoReport report;
  report.frames = written;
  report.interrupted = stopped;
  report.codec = writer ? writer->codec_name() : "png";
  check(written > 0 || stopped, job.input, ": has no video frames");
  report.written = written > 0;
  if (report.written) {  // else the temporaries go with `target` and `sink`
    out.finish(!stopped);
    if (target) target->commit();
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace comicgan::video
