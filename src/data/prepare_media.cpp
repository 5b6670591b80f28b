#include "data/prepare.h"

#include <sched.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <opencv2/imgproc.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "comicgan/error.h"
#include "data/comic_render_media.h"
#include "data/edge_preserving_media.h"
#include "data/edge_smooth.h"
#include "data/prepared_format.h"
#include "io/atomic_file.h"
#include "io/image_mat.h"

namespace comicgan::data {
namespace fs = std::filesystem;

namespace {

// Bump when what prepare computes changes (resizing, smoothing), so old caches are rebuilt.
constexpr int kPrepareAlgorithm = 1;

struct SourceFile {
  std::string relative;
  uint64_t size = 0;
  int64_t mtime = 0;
};

struct Scan {
  std::vector<SourceFile> pictures;
  size_t ignored = 0;
};

Scan scan_folder(const std::string& dir, const char* domain) {
  std::error_code ec;
  check(fs::is_directory(dir, ec), domain, " folder ", dir, ": no such folder");
  Scan scan;
  auto options = fs::directory_options::skip_permission_denied |
                 fs::directory_options::follow_directory_symlink;
  for (auto it = fs::recursive_directory_iterator(dir, options, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    std::string path = it->path().string();
    if (!io::is_image_path(path)) {
      ++scan.ignored;
      continue;
    }
    SourceFile f;
    // Lexically: a symlinked file keeps its name inside the folder.
    f.relative = it->path().lexically_relative(dir).generic_string();
    f.size = it->file_size(ec);
    f.mtime = int64_t(it->last_write_time(ec).time_since_epoch().count());
    scan.pictures.push_back(std::move(f));
  }
  check(!ec, domain, " folder ", dir, ": cannot list (", ec.message(), ")");
  std::sort(scan.pictures.begin(), scan.pictures.end(),
            [](const SourceFile& a, const SourceFile& b) { return a.relative < b.relative; });
  return scan;
}

// FNV-1a, 64-bit: a stable fingerprint of the inputs and options (not a security measure).
std::string fingerprint(const std::string& text) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : text) h = (h ^ c) * 0x100000001b3ull;
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
  return out;
}

nlohmann::json options_json(const PrepareOptions& o, Domain domain) {
  nlohmann::json j = {{"algorithm", kPrepareAlgorithm},
                      {"short_side", o.short_side},
                      {"max_aspect", o.max_aspect},
                      {"min_side", o.min_side},
                      {"max_pixels", o.limits.max_pixels},
                      {"max_side", o.limits.max_side},
                      {"max_file_bytes", o.limits.max_file_bytes}};
  // Only the photos depend on it, so adding a pseudo-target leaves the style shards as they are.
  if (domain == Domain::photos && !o.photo_target.empty()) j["photo_target"] = o.photo_target;
  return j;
}

Image photo_target(const Image& rgb, const std::string& name) {
  if (name == "meanshift") return mean_shift_filter(rgb);
  return render_comic(rgb, comic_look("comic"));
}

nlohmann::json inputs_json(const Scan& scan) {
  nlohmann::json inputs = nlohmann::json::array();
  for (const auto& f : scan.pictures)
    inputs.push_back({{"path", f.relative}, {"size", f.size}, {"mtime", f.mtime}});
  return inputs;
}

int thread_count(int requested) {
  if (requested > 0) return requested;
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

// Resized so the shorter side is `short_side`, the longer cropped (centred) to the aspect limit.
Image resize_for_training(const Image& picture, const PrepareOptions& o) {
  Image rgb = picture;
  if (rgb.channels == 4) {
    cv::Mat flat = io::over_white(io::rgb_mat_view(rgb));
    rgb = Image(flat.cols, flat.rows, 3);
    std::memcpy(rgb.pixels.data(), flat.data, rgb.pixels.size());
  }
  int shorter = std::min(rgb.width, rgb.height);
  double scale = double(o.short_side) / shorter;
  int w = rgb.width == shorter ? o.short_side : int(std::lround(rgb.width * scale));
  int h = rgb.height == shorter ? o.short_side : int(std::lround(rgb.height * scale));
  int max_long = int(std::floor(o.short_side * o.max_aspect));
  int crop_w = std::min(w, max_long), crop_h = std::min(h, max_long);
  cv::Mat resized;
  cv::resize(io::rgb_mat_view(rgb), resized, cv::Size(w, h), 0, 0,
             scale < 1 ? cv::INTER_AREA : cv::INTER_CUBIC);
  Image out(crop_w, crop_h, 3);
  cv::Mat(resized, cv::Rect((w - crop_w) / 2, (h - crop_h) / 2, crop_w, crop_h))
      .copyTo(io::rgb_mat_view(out));
  return out;
}

struct Prepared {
  PreparedImage image;
  std::string error;  // non-empty: skipped, and why
};

Prepared prepare_one(const std::string& dir, const std::string& relative, Domain domain,
                     const PrepareOptions& o) {
  Prepared p;
  p.image.source = relative;
  try {
    Image picture = io::read_image((fs::path(dir) / relative).string(), o.limits);
    int shorter = std::min(picture.width, picture.height);
    if (shorter < o.min_side) {
      p.error = "too small (" + std::to_string(picture.width) + "x" +
                std::to_string(picture.height) + "; the shorter side must be at least " +
                std::to_string(o.min_side) + " pixels)";
      return p;
    }
    p.image.rgb = resize_for_training(picture, o);
    if (domain == Domain::style) {
      p.image.gray = grayscale(p.image.rgb);
      p.image.smooth = edge_smooth(p.image.rgb);
    } else if (!o.photo_target.empty()) {
      p.image.target = photo_target(p.image.rgb, o.photo_target);
    }
  } catch (const std::exception& e) {
    p.error = e.what();
  }
  return p;
}

// Decodes and prepares the pictures of one domain on `threads` threads, writing shards in order.
nlohmann::json prepare_domain(const std::string& dir, Domain domain, const Scan& scan,
                              const std::string& key, const PrepareOptions& o, DomainReport& report,
                              std::vector<SkippedFile>& skipped,
                              const std::function<void(const std::string&)>& log) {
  const char* name = domain_name(domain);
  const int threads = thread_count(o.threads);
  const size_t chunk = size_t(threads) * 8;
  nlohmann::json shards = nlohmann::json::array();
  std::vector<PreparedImage> pending;
  size_t pending_bytes = 0;
  auto flush = [&] {
    if (pending.empty()) return;
    char file[96];
    std::snprintf(file, sizeof file, "%s-%s-%04zu.cgm", name, key.c_str(), shards.size());
    write_shard((fs::path(o.output_dir) / file).string(), domain, pending,
                domain == Domain::photos ? o.photo_target : std::string());
    std::error_code ec;
    auto bytes = fs::file_size(fs::path(o.output_dir) / file, ec);
    shards.push_back({{"file", file}, {"images", pending.size()}, {"bytes", bytes}});
    pending.clear();
    pending_bytes = 0;
  };
  for (size_t first = 0; first < scan.pictures.size(); first += chunk) {
    size_t count = std::min(chunk, scan.pictures.size() - first);
    std::vector<Prepared> results(count);
    std::atomic<size_t> next{0};
    auto work = [&] {
      for (size_t i; (i = next++) < count;)
        results[i] = prepare_one(dir, scan.pictures[first + i].relative, domain, o);
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < std::min<int>(threads, int(count)); ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
    for (auto& r : results) {
      if (!r.error.empty()) {
        ++report.skipped;
        skipped.push_back({name, r.image.source, std::move(r.error)});
        continue;
      }
      ++report.read;
      const Image& rgb = r.image.rgb;
      pending_bytes += rgb.pixels.size() + r.image.gray.pixels.size() +
                       r.image.smooth.pixels.size() + r.image.target.pixels.size();
      pending.push_back(std::move(r.image));
      if (pending_bytes >= o.shard_bytes) flush();
    }
    if (log && scan.pictures.size() > chunk)
      log(std::string(name) + ": " + std::to_string(first + count) + "/" +
          std::to_string(scan.pictures.size()) + " pictures done");
  }
  flush();
  return shards;
}

// Whether the shards a previous manifest names are all there, at the sizes written.
bool reusable(const nlohmann::json& previous, const std::string& output_dir) {
  if (!previous.is_object() || !previous.contains("shards")) return false;
  std::error_code ec;
  for (const auto& shard : previous["shards"]) {
    if (!shard.is_object() || !shard.contains("file") || !shard["file"].is_string()) return false;
    auto path = fs::path(output_dir) / shard["file"].get<std::string>();
    if (!fs::is_regular_file(path, ec) || fs::file_size(path, ec) != shard.value("bytes", 0ull))
      return false;
  }
  return true;
}

std::string first_reasons(const std::vector<SkippedFile>& skipped, const std::string& domain) {
  std::string out;
  size_t listed = 0;
  for (const auto& s : skipped)
    if (s.domain == domain && listed++ < 3) out += "; " + s.path + ": " + s.reason;
  return out;
}

}  // namespace

PrepareReport prepare_training_data(const PrepareOptions& o,
                                    std::function<void(const std::string&)> log) {
  check(o.short_side >= 16 && o.short_side <= 4096,
        "prepare: --short-side must be in 16..4096, got ", o.short_side);
  check(o.max_aspect >= 1 && o.max_aspect <= 16, "prepare: max aspect must be in 1..16, got ",
        o.max_aspect);
  check(o.min_side >= 1, "prepare: min side must be >= 1, got ", o.min_side);
  check(!o.output_dir.empty(), "prepare: no output folder given");
  const auto targets = photo_target_names();
  check(o.photo_target.empty() ||
            std::find(targets.begin(), targets.end(), o.photo_target) != targets.end(),
        "prepare: unknown photo pseudo-target '", o.photo_target, "' (known: meanshift, comic)");
  std::error_code ec;
  fs::create_directories(o.output_dir, ec);
  check(fs::is_directory(o.output_dir, ec), "prepare: cannot create the output folder ",
        o.output_dir, " (", ec.message(), ")");

  nlohmann::json previous;
  try {
    previous = read_manifest(o.output_dir);
  } catch (const Error&) {
    // No usable cache: everything is prepared afresh.
  }

  PrepareReport report;
  report.output_dir = o.output_dir;
  nlohmann::json domains;
  for (Domain domain : {Domain::photos, Domain::style}) {
    const char* name = domain_name(domain);
    const std::string& dir = domain == Domain::photos ? o.photos_dir : o.style_dir;
    check(!dir.empty(), "prepare: no ", name, " folder given");
    DomainReport& dr = domain == Domain::photos ? report.photos : report.style;
    Scan scan = scan_folder(dir, name);
    dr.found = scan.pictures.size();
    dr.ignored = scan.ignored;
    nlohmann::json inputs = inputs_json(scan);
    std::string source = fs::weakly_canonical(dir, ec).string();
    std::string key = fingerprint(nlohmann::json{
        {"domain", name},
        {"source", source},
        {"options", options_json(o, domain)},
        {"inputs", inputs}}.dump());
    nlohmann::json old = previous.is_object() && previous.contains("domains")
                             ? previous["domains"].value(name, nlohmann::json())
                             : nlohmann::json();
    if (!o.force && old.is_object() && old.value("key", "") == key && reusable(old, o.output_dir)) {
      dr.reused = true;
      dr.read = old.value("read", size_t(0));
      for (const auto& s : old.value("skipped", nlohmann::json::array())) {
        report.skipped.push_back({name, s.value("path", ""), s.value("reason", "")});
        ++dr.skipped;
      }
      if (log)
        log(std::string(name) + ": " + std::to_string(dr.read) +
            " pictures unchanged since the last prepare; reusing them");
      domains[name] = old;
      continue;
    }
    if (log)
      log(std::string(name) + ": preparing " + std::to_string(dr.found) + " pictures from " + dir);
    nlohmann::json shards =
        prepare_domain(dir, domain, scan, key.substr(0, 12), o, dr, report.skipped, log);
    check(dr.read > 0, "prepare: the ", name, " folder ", dir, " has no usable pictures (",
          dr.found, " found, ", dr.skipped, " unreadable, ", dr.ignored,
          " other files); it needs .jpg .jpeg .png .webp .bmp .tif or .tiff pictures",
          first_reasons(report.skipped, name));
    nlohmann::json skipped = nlohmann::json::array();
    for (const auto& s : report.skipped)
      if (s.domain == name) skipped.push_back({{"path", s.path}, {"reason", s.reason}});
    domains[name] = {{"source", source}, {"key", key},         {"options", options_json(o, domain)},
                     {"read", dr.read},  {"skipped", skipped}, {"inputs", inputs},
                     {"shards", shards}};
  }

  nlohmann::json manifest = {
      {"format", kManifestFormat}, {"version", kPreparedFormatVersion}, {"domains", domains}};
  io::write_file_atomically((fs::path(o.output_dir) / kManifestName).string(), manifest.dump(1));

  // Shards of earlier runs that the new manifest does not name.
  std::set<std::string> named;
  for (const auto& [name, d] : domains.items())
    for (const auto& shard : d["shards"]) named.insert(shard["file"].get<std::string>());
  for (const auto& entry : fs::directory_iterator(o.output_dir, ec)) {
    std::string file = entry.path().filename().string();
    bool shard = entry.path().extension() == ".cgm" &&
                 (file.rfind("photos-", 0) == 0 || file.rfind("style-", 0) == 0);
    if (shard && !named.count(file)) fs::remove(entry.path(), ec);
  }
  return report;
}

std::vector<std::string> photo_target_names() { return {"meanshift", "comic"}; }

std::string summarize(const PrepareReport& report, size_t max_listed) {
  std::ostringstream out;
  for (const auto* d : {&report.photos, &report.style}) {
    out << (d == &report.photos ? "photos: " : "style:  ") << d->read << " read, " << d->skipped
        << " skipped";
    if (d->ignored) out << ", " << d->ignored << " other files ignored";
    if (d->reused) out << " (unchanged; cached)";
    out << "\n";
  }
  size_t listed = 0;
  for (const auto& s : report.skipped) {
    if (listed++ == max_listed) {
      out << "  ... and " << report.skipped.size() - max_listed << " more skipped\n";
      break;
    }
    out << "  skipped " << s.domain << "/" << s.path << ": " << s.reason << "\n";
  }
  out << "prepared data: " << report.output_dir << "\n";
  return out.str();
}

}  // namespace comicgan::data
