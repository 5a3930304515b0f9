#pragma once

#include <filesystem>
#include <vector>

#include "report/check_result.hpp"

namespace prerender::engine {

// Makes the new outputs under `outputs` the references under `golden`: only renditions whose bytes changed
// are rewritten (atomically), extra references are removed with the folders they leave empty; a rendition
// that failed keeps its reference. Throws util::FatalError when the reference folder cannot be written.
report::UpdateSummary update_references(const std::vector<report::RenditionCheck>& checks,
                                        const std::filesystem::path& golden, const std::filesystem::path& outputs);

}  // namespace prerender::engine
