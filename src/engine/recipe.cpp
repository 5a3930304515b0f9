#include "engine/recipe.hpp"

#include <nlohmann/json.hpp>

#include "presets/fields.hpp"
#include "presets/preset_view.hpp"
#include "render/runtime.hpp"
#include "util/hash.hpp"
#include "util/version.hpp"

namespace prerender::engine {

std::string recipe_hash(const presets::Preset& preset, presets::Format format, double dpr,
                        const std::optional<manifest::Focus>& focus, const std::string& overlay_hash) {
  nlohmann::json recipe{{"preset", presets::to_json(preset)},
                        {"format", presets::name(format)},
                        {"dpr", dpr},
                        {"overlay", overlay_hash},
                        {"renderer", util::k_version},
                        {"libvips", render::libvips_version()}};
  // Neither the check tolerance nor the HTTP headers and cache tags change the bytes: a preset whose tags
  // change is re-journalled with them (publish::stamp_http), not re-rendered.
  presets::for_each_field([&](const auto& field) {
    if (field.affects == presets::Affects::nothing) recipe["preset"].erase(std::string(field.top()));
  });
  if (focus) recipe["focus"] = {focus->x, focus->y};
  return util::content_hash(recipe.dump());
}

}  // namespace prerender::engine
