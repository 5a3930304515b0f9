#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "manifest/manifest.hpp"
#include "presets/preset.hpp"
#include "render/asset.hpp"

namespace prerender::engine {

// `prerender render`: image files named on the command line, one preset, outputs in a folder (or one file).
struct FilesJob {
  std::vector<std::string> sources;
  std::string out;  // a folder, or one file with an image extension
  presets::Preset preset;
  manifest::Limits limits;
};

// The preset a command line describes: `name` from `library` (none: "custom") with the inline
// `settings` (KEY, VALUE) over it, checked as a manifest's presets are. `origin` names where the library
// came from, for the error. Throws manifest::ManifestError.
presets::Preset command_line_preset(const std::string& name, const std::map<std::string, presets::Preset>& library,
                                    const std::string& origin,
                                    const std::vector<std::pair<std::string, std::string>>& settings);

struct OutputPlan {
  bool single_file = false;           // `out` names the one output file
  std::vector<std::string> problems;  // empty when the outputs can be written as asked
};

// Where the outputs go, and what the job asks that cannot be done as asked, before anything is rendered:
// `out` naming one file for several renditions or for another format, and two sources whose outputs
// would share names (the later would silently replace the earlier).
OutputPlan plan_outputs(const FilesJob& job);

// One rendition written.
struct FileOutput {
  std::filesystem::path path;
  presets::Format format;
  const render::Rendered* rendered;  // valid during the call
  double seconds;                    // decode, transform and encode
};

// Renders one source with the per-asset work `run` uses (so a rendition has the bytes a run gives it),
// calling `written` for each output. Returns the failures, each a line naming the source (and the
// format and density when one rendition failed alone); the other renditions were written.
std::vector<std::string> render_file(const std::string& source, const FilesJob& job, const OutputPlan& outputs,
                                     const std::function<void(const FileOutput&)>& written);

}  // namespace prerender::engine
