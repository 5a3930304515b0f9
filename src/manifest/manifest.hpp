#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "manifest/diagnostics.hpp"
#include "presets/preset.hpp"

namespace prerender::manifest {

struct Located {
  std::string file;  // the manifest file, as given
  Mark mark;
};

// `output.root: s3://bucket/prefix`: the renditions go to an S3-compatible store (output/object_sink.hpp).
struct StoreSpec {
  std::string bucket, prefix;      // prefix: "" or ending in '/'
  std::string endpoint;            // output.s3.endpoint; "": AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, or AWS's own
  std::string region;              // output.s3.region; "": AWS_REGION, AWS_DEFAULT_REGION, or us-east-1
  std::optional<bool> path_style;  // output.s3.path_style; unset: path style with an endpoint, else virtual host
  std::string url() const { return "s3://" + bucket + "/" + prefix; }
};

struct OutputSpec {
  std::filesystem::path root;  // resolved against the manifest's folder
  // Set when output.root is s3://...: `root` is then the local state folder the command chooses.
  std::optional<StoreSpec> store;
  std::string path = "{asset}/{preset}{dpr}.{ext}";  // the path template, relative to root
  Located path_at;
  std::string base_url;  // "" or ending in '/'
};

struct Limits {
  std::uint64_t max_pixels = 100'000'000;
  std::uint64_t max_file_bytes = 64ull << 20;
  int max_frames = 1000;
  double max_seconds = 120;  // per decode and per rendition; 0: none
  bool allow_untrusted = false;
  // Source formats accepted (told from the bytes). Families beyond jpeg, png, webp, gif, heif and tiff are
  // decoded in a child process with this time limit, so a codec that hangs or aborts fails one asset.
  std::vector<std::string> formats{"jpeg", "png", "webp", "gif", "heif", "tiff", "jxl"};
  // Not a manifest key: set from the run's memory budget (--memory). The most a child decoder's heap may
  // grow to (render/isolated.hpp); 0: no cap.
  std::uint64_t decoder_memory_bytes = 0;
};

struct Focus {
  double x = 0.5, y = 0.5;  // fractions of the upright source's width and height
};

struct Asset {
  std::string id;
  std::string source;                 // as written (for a glob: the matched relative path)
  std::filesystem::path source_path;  // resolved against sources.root
  std::vector<std::string> presets;
  std::uint64_t requests = 0;
  bool requests_given = false;  // written in the manifest (wins over the popularity file)
  std::optional<Focus> focus;
  std::vector<std::string> tags;  // cache tags added to its renditions' (publish/tags.hpp)
  std::size_t order = 0;          // position in the manifest (glob matches in sorted order)
  Located at;
};

struct Manifest {
  std::filesystem::path file;
  std::filesystem::path folder;
  int version = 1;
  std::vector<std::filesystem::path> files;  // the manifest and every included library
  std::filesystem::path sources_root;
  OutputSpec output;
  Limits limits;
  std::map<std::string, presets::Preset> presets;  // resolved, by name
  std::map<std::string, Located> preset_at;        // where each preset is defined
  std::vector<Asset> assets;                       // manifest order
  std::filesystem::path popularity_file;           // `popularity:`, resolved against the manifest's folder; "" if none
};

// Loads a manifest and the preset libraries it includes, resolves `extends` and defaults, and expands
// glob sources. Throws ManifestError with every problem found (file:line:col each) when there is any.
Manifest load_manifest(const std::filesystem::path& file);

// The same, collecting problems into `diagnostics` instead of throwing, so that a caller can add the
// problems of later checks (output paths) and report everything at once. What could not be read is
// left out of the result (an asset with a bad id, a preset name that does not exist).
Manifest load_manifest(const std::filesystem::path& file, Diagnostics& diagnostics);

// Loads only preset libraries (a file with `presets:` and optional `include:`), e.g. the bundled
// presets/ folder for `prerender render -p`. Throws ManifestError.
std::map<std::string, presets::Preset> load_preset_library(const std::vector<std::filesystem::path>& files);

}  // namespace prerender::manifest
