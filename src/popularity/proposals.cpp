#include "popularity/proposals.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <system_error>

#include "output/path_template.hpp"

namespace prerender::popularity {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view k_source_extensions[] = {".jpg",  ".jpeg", ".png", ".webp", ".avif", ".tif",  ".tiff",
                                                    ".heic", ".heif", ".gif", ".jxl",  ".JPG",  ".JPEG", ".PNG"};

struct Matcher {
  const std::vector<output::PathTemplate::Part>& parts;
  const manifest::Manifest& manifest;
  TemplateMatch found;

  // Every value a placeholder other than {asset} can take at the start of `rest`, by length.
  std::vector<std::size_t> lengths(output::Placeholder p, std::string_view rest) const {
    std::vector<std::size_t> out;
    auto literal = [&](std::string_view value) {
      if (rest.starts_with(value)) out.push_back(value.size());
    };
    switch (p) {
      case output::Placeholder::preset:
        for (const auto& [name, preset] : manifest.presets) literal(name);
        break;
      case output::Placeholder::format:
        for (std::string_view name : presets::k_format_names) literal(name);
        break;
      case output::Placeholder::ext:
        for (std::size_t f = 0; f < presets::k_format_names.size(); ++f)
          literal(presets::extension(static_cast<presets::Format>(f)));
        break;
      case output::Placeholder::dpr: {
        out.push_back(0);
        if (rest.starts_with('@')) {
          const std::size_t x = rest.find('x');
          if (x != std::string_view::npos && x > 1 &&
              rest.substr(1, x - 1).find_first_not_of("0123456789.") == std::string_view::npos)
            out.push_back(x + 1);
        }
        break;
      }
      case output::Placeholder::width:
      case output::Placeholder::height: {
        const std::size_t n = std::min(rest.find_first_not_of("0123456789"), rest.size());
        if (n > 0) out.push_back(n);
        break;
      }
      case output::Placeholder::asset: break;
    }
    return out;
  }

  bool match(std::size_t part, std::string_view rest) {
    if (part == parts.size()) return rest.empty();
    const output::PathTemplate::Part& p = parts[part];
    if (!p.placeholder) return rest.starts_with(p.literal) && match(part + 1, rest.substr(p.literal.size()));
    if (*p.placeholder == output::Placeholder::asset) {
      for (std::size_t n = rest.size(); n > 0; --n) {  // longest first: ids may hold '/' and '.'
        const std::string saved = found.asset;
        if (!found.asset.empty() && found.asset != rest.substr(0, n)) continue;
        found.asset = std::string(rest.substr(0, n));
        if (match(part + 1, rest.substr(n))) return true;
        found.asset = saved;
      }
      return false;
    }
    for (std::size_t n : lengths(*p.placeholder, rest)) {
      const std::string saved = found.preset;
      if (*p.placeholder == output::Placeholder::preset) {
        if (!found.preset.empty() && found.preset != rest.substr(0, n)) continue;
        found.preset = std::string(rest.substr(0, n));
      }
      if (match(part + 1, rest.substr(n))) return true;
      found.preset = saved;
    }
    return false;
  }
};

}  // namespace

std::optional<TemplateMatch> match_template(std::string_view relative, const manifest::Manifest& manifest) {
  const auto parsed = output::PathTemplate::parse(manifest.output.path);
  const auto* path_template = std::get_if<output::PathTemplate>(&parsed);
  if (!path_template) return std::nullopt;
  Matcher matcher{path_template->parts(), manifest, {}};
  if (!matcher.match(0, relative) || matcher.found.asset.empty()) return std::nullopt;
  return matcher.found;
}

std::vector<ProposedAsset> propose_assets(const Tally& tally, const manifest::Manifest& manifest) {
  std::set<fs::path> used;
  for (const manifest::Asset& asset : manifest.assets) used.insert(asset.source_path.lexically_normal());
  std::map<std::string, ProposedAsset> by_id;                   // ordered, so that ties come out the same every time
  std::map<std::string, std::optional<std::string>> source_of;  // id -> source, looked up once
  for (const auto& [path, requests] : tally.unknown) {
    const auto match = match_template(path, manifest);
    if (!match || !output::path_problem(match->asset).empty()) continue;
    auto [it, fresh] = source_of.try_emplace(match->asset);
    if (fresh) {
      for (std::string_view ext : k_source_extensions) {
        const std::string relative = match->asset + std::string(ext);
        const fs::path source = (manifest.sources_root / relative).lexically_normal();
        std::error_code error;
        if (fs::is_regular_file(fs::symlink_status(source, error)) && !used.count(source)) {
          it->second = relative;
          break;
        }
      }
    }
    if (!it->second) continue;
    ProposedAsset& p = by_id[match->asset];
    p.id = match->asset;
    p.source = *it->second;
    if (!match->preset.empty() && std::find(p.presets.begin(), p.presets.end(), match->preset) == p.presets.end())
      p.presets.push_back(match->preset);
    p.requests += requests;
  }
  std::vector<ProposedAsset> out;
  for (auto& [id, p] : by_id) {
    std::sort(p.presets.begin(), p.presets.end());
    if (p.presets.empty())
      for (const auto& [name, preset] : manifest.presets) p.presets.push_back(name);  // the template names none
    out.push_back(std::move(p));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const ProposedAsset& a, const ProposedAsset& b) { return a.requests > b.requests; });
  if (out.size() > k_max_proposals) out.resize(k_max_proposals);
  return out;
}

}  // namespace prerender::popularity
