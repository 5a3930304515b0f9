#include "engine/check_update.hpp"

#include <fmt/format.h>
#include <optional>

#include "output/root.hpp"
#include "util/error.hpp"
#include "util/files.hpp"

namespace prerender::engine {

namespace fs = std::filesystem;
using report::Finding;
using report::RenditionCheck;

report::UpdateSummary update_references(const std::vector<RenditionCheck>& checks, const fs::path& golden,
                                        const fs::path& outputs) {
  report::UpdateSummary out;
  // The reference folder is an output root: links below it are refused, never followed.
  std::optional<output::OutputRoot> references;
  try {
    references.emplace(golden);
  } catch (const std::exception& e) {
    throw util::FatalError(e.what());
  }
  for (const RenditionCheck& c : checks) {
    if (c.has(Finding::extra_reference)) {
      try {
        references->remove_file(c.path);
      } catch (const std::exception& e) {
        throw util::FatalError(fmt::format("cannot remove the reference: {}", e.what()));
      }
      for (fs::path folder = fs::path(c.path).parent_path(); !folder.empty() && references->remove_empty_folder(folder);
           folder = folder.parent_path()) {
      }
      out.removed.push_back(c.path);
      continue;
    }
    if (!c.rendered) continue;  // a rendition that failed keeps its reference
    if (c.identical) {
      ++out.unchanged;
      continue;
    }
    try {
      references->write(c.path, util::read_file(outputs / c.path));
    } catch (const std::exception& e) {
      throw util::FatalError(fmt::format("cannot update the reference: {}", e.what()));
    }
    if (c.has_reference)
      out.changed.push_back(&c);
    else
      out.added.push_back(c.path);
  }
  return out;
}

}  // namespace prerender::engine
