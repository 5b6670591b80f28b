// Prepared training data on disk: what `comicgan prepare` writes and open_prepared_data reads.
//
//   PREPARED_DIR/manifest.json           written last (atomically); the only entry point. Per
//                                        domain: its source folder, the inputs' sizes and mtimes
//                                        (to know when the cache is stale), the files skipped and
//                                        why, and the shards.
//   PREPARED_DIR/<domain>-<key>-NNNN.cgm shards: comicgan's model-file container (JSON header,
//                                        CRC-32) holding decoded, resized uint8 images.
//
// A photo shard holds "<i>.rgb" (H,W,3) per image, and "<i>.target" (H,W,3) when photos were
// prepared with a pseudo-target (its meta names it: "target"); a style shard also "<i>.gray"
// (H,W,1) and "<i>.smooth" (H,W,3), the grayscale and edge-smoothed copies, all the same size.
// Shard names carry the domain's input signature, so writing a new set never overwrites one the
// current manifest still names.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "comicgan/image.h"

namespace comicgan::io {
class MappedFile;
}

namespace comicgan::data {

inline constexpr const char* kManifestName = "manifest.json";
inline constexpr const char* kManifestFormat = "comicgan-prepared";
inline constexpr int kPreparedFormatVersion = 1;

enum class Domain { photos, style };
const char* domain_name(Domain domain);

// One prepared picture: RGB, for style images its grayscale (1 channel) and edge-smoothed (RGB)
// copies, for photos optionally a pseudo-target (RGB), all of the same size.
struct PreparedImage {
  std::string source;  // path relative to the domain's folder, for messages
  Image rgb;
  Image gray;
  Image smooth;
  Image target;
};

// Writes one shard atomically; throws comicgan::Error on failure. `target` names the photos'
// pseudo-target ("" : none; then no image may carry one, otherwise every photo must).
void write_shard(const std::string& path, Domain domain, const std::vector<PreparedImage>& images,
                 const std::string& target = "");

// Reads PREPARED_DIR/manifest.json, with errors that say to run `comicgan prepare`.
nlohmann::json read_manifest(const std::string& prepared_dir);

// A prepared image read in place from a mapped shard: interleaved uint8, top row first.
struct ImageView {
  int width = 0;
  int height = 0;
  const uint8_t* rgb = nullptr;     // height * width * 3
  const uint8_t* gray = nullptr;    // height * width, style only
  const uint8_t* smooth = nullptr;  // height * width * 3, style only
  const uint8_t* target = nullptr;  // height * width * 3, photos prepared with a pseudo-target
  std::string source;
};

// All images of one domain, from the shards the manifest lists: mapped, checksums verified,
// shapes checked.
class ShardSet {
 public:
  ShardSet(const std::string& prepared_dir, Domain domain, const nlohmann::json& manifest);
  ~ShardSet();
  ShardSet(ShardSet&&) noexcept;
  size_t size() const { return images_.size(); }
  const ImageView& operator[](size_t i) const { return images_[i]; }
  // The photos' pseudo-target every image carries ("" : none).
  const std::string& target() const { return target_; }

 private:
  std::vector<std::unique_ptr<io::MappedFile>> files_;
  std::vector<ImageView> images_;
  std::string target_;
};

}  // namespace comicgan::data
