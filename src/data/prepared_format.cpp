#include "data/prepared_format.h"

#include <torch/torch.h>

#include <filesystem>

#include "comicgan/error.h"
#include "io/atomic_file.h"
#include "io/mapped_file.h"
#include "io/model_file.h"

namespace comicgan::data {
namespace fs = std::filesystem;

namespace {

constexpr size_t kMaxManifestBytes = size_t(256) << 20;
constexpr size_t kMaxShardBytes = size_t(2) << 30;

at::Tensor view_of(const Image& image) {
  // from_blob does not copy; model_file_bytes copies while the images are alive.
  return torch::from_blob(const_cast<uint8_t*>(image.pixels.data()),
                          {image.height, image.width, image.channels}, torch::kUInt8);
}

std::string run_prepare_hint(const std::string& dir) {
  return "run 'comicgan prepare --photos DIR --style DIR -o " + dir + "' first";
}

}  // namespace

const char* domain_name(Domain domain) { return domain == Domain::photos ? "photos" : "style"; }

void write_shard(const std::string& path, Domain domain, const std::vector<PreparedImage>& images,
                 const std::string& target) {
  check(target.empty() || domain == Domain::photos, "prepared ", domain_name(domain),
        " shard: only photos carry a pseudo-target");
  io::ModelFile shard;
  nlohmann::json sources = nlohmann::json::array();
  for (size_t i = 0; i < images.size(); ++i) {
    const auto& im = images[i];
    check(im.rgb.channels == 3, "prepared image ", im.source, ": expected RGB");
    shard.tensors.emplace_back(std::to_string(i) + ".rgb", view_of(im.rgb));
    if (domain == Domain::style) {
      check(im.gray.channels == 1 && im.smooth.channels == 3 && im.gray.width == im.rgb.width &&
                im.gray.height == im.rgb.height && im.smooth.width == im.rgb.width &&
                im.smooth.height == im.rgb.height,
            "prepared style image ", im.source, ": grayscale or smoothed copy missing");
      shard.tensors.emplace_back(std::to_string(i) + ".gray", view_of(im.gray));
      shard.tensors.emplace_back(std::to_string(i) + ".smooth", view_of(im.smooth));
    }
    check(target.empty() == im.target.empty(), "prepared photo ", im.source,
          target.empty() ? ": has a pseudo-target the shard does not name"
                         : ": pseudo-target missing");
    if (!target.empty()) {
      check(im.target.channels == 3 && im.target.width == im.rgb.width &&
                im.target.height == im.rgb.height,
            "prepared photo ", im.source, ": pseudo-target is not RGB of the photo's size");
      shard.tensors.emplace_back(std::to_string(i) + ".target", view_of(im.target));
    }
    sources.push_back(im.source);
  }
  shard.meta = {
      {"kind", "comicgan-prepared-shard"}, {"domain", domain_name(domain)}, {"sources", sources}};
  if (!target.empty()) shard.meta["target"] = target;
  io::write_model_file(path, shard);
}

nlohmann::json read_manifest(const std::string& prepared_dir) {
  std::error_code ec;
  check(fs::is_directory(prepared_dir, ec), prepared_dir,
        ": no such folder of prepared training data; ", run_prepare_hint(prepared_dir));
  auto path = (fs::path(prepared_dir) / kManifestName).string();
  check(fs::exists(path, ec), prepared_dir, ": not prepared training data (no ", kManifestName,
        "); ", run_prepare_hint(prepared_dir));
  nlohmann::json manifest;
  try {
    manifest = nlohmann::json::parse(io::read_file(path, kMaxManifestBytes));
  } catch (const nlohmann::json::exception& e) {
    fail(path, ": corrupt manifest (", e.what(), "); run 'comicgan prepare' again");
  }
  check(manifest.is_object() && manifest.value("format", "") == kManifestFormat, path,
        ": not a comicgan prepared-data manifest");
  int version = manifest.value("version", 0);
  check(version >= 1 && version <= kPreparedFormatVersion, path, ": prepared-data version ",
        version, " is not one this comicgan reads (", kPreparedFormatVersion,
        "); run 'comicgan prepare' again");
  return manifest;
}

ShardSet::ShardSet(const std::string& prepared_dir, Domain domain, const nlohmann::json& manifest) {
  const char* name = domain_name(domain);
  try {
    const auto& shards = manifest.at("domains").at(name).at("shards");
    for (const auto& entry : shards) {
      auto file = entry.at("file").get<std::string>();
      check(fs::path(file).filename() == fs::path(file), prepared_dir, ": bad shard name ", file);
      auto path = (fs::path(prepared_dir) / file).string();
      std::error_code ec;
      check(fs::exists(path, ec), path,
            ": prepared shard is missing; run 'comicgan prepare' again");
      files_.push_back(std::make_unique<io::MappedFile>(path, kMaxShardBytes));
      const auto& mapped = *files_.back();
      io::ModelFileLimits limits;
      limits.max_file_bytes = kMaxShardBytes;
      auto index = io::index_model_file_bytes(mapped.data(), mapped.size(), path, limits);
      check(index.meta.value("domain", "") == name, path, ": not a ", name, " shard");
      const auto& sources = index.meta.at("sources");
      const std::string target = index.meta.value("target", "");
      check(files_.size() == 1 || target == target_, path, ": pseudo-target '", target,
            "' differs from the other shards' ('", target_, "'); run 'comicgan prepare' again");
      target_ = target;
      // Tensors per image, in order: rgb, then gray and smooth (style) or target (photos).
      std::vector<const char*> suffixes = {".rgb"};
      if (domain == Domain::style) suffixes = {".rgb", ".gray", ".smooth"};
      if (!target.empty()) suffixes.push_back(".target");
      const size_t per_image = suffixes.size();
      check(sources.is_array() && index.tensors.size() == sources.size() * per_image &&
                sources.size() == entry.at("images").get<size_t>(),
            path, ": shard does not match the manifest; run 'comicgan prepare' again");
      for (size_t i = 0; i < sources.size(); ++i) {
        ImageView view;
        view.source = sources[i].get<std::string>();
        for (size_t k = 0; k < per_image; ++k) {
          const auto& t = index.tensors[i * per_image + k];
          const std::string suffix = suffixes[k];
          int channels = suffix == ".gray" ? 1 : 3;
          check(t.name == std::to_string(i) + suffix && t.dtype == at::kByte &&
                    t.shape.size() == 3 && t.shape[2] == channels && t.shape[0] > 0 &&
                    t.shape[1] > 0 &&
                    (k == 0 || (t.shape[0] == view.height && t.shape[1] == view.width)),
                path, ": tensor ", t.name, " is not a prepared image");
          const uint8_t* pixels = mapped.data() + t.offset;
          if (k == 0) {
            view.height = int(t.shape[0]);
            view.width = int(t.shape[1]);
            view.rgb = pixels;
          } else if (suffix == ".gray") {
            view.gray = pixels;
          } else if (suffix == ".smooth") {
            view.smooth = pixels;
          } else {
            view.target = pixels;
          }
        }
        images_.push_back(std::move(view));
      }
    }
  } catch (const nlohmann::json::exception& e) {
    fail(prepared_dir, ": corrupt manifest or shard header (", e.what(),
         "); run 'comicgan prepare' again");
  }
}

ShardSet::~ShardSet() = default;
ShardSet::ShardSet(ShardSet&&) noexcept = default;

}  // namespace comicgan::data
