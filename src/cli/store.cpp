#include "cli/store.hpp"

#include <cstdlib>
#include <fmt/format.h>

#include "net/s3_store.hpp"
#include "util/error.hpp"

namespace prerender::cli {
namespace fs = std::filesystem;

StoreScope::StoreScope(manifest::Manifest& manifest, const std::string& state) {
  if (!manifest.output.store) return;
  const manifest::StoreSpec& spec = *manifest.output.store;
  try {
    m_store = std::make_unique<net::S3Store>(
        net::s3_config(spec.bucket, spec.prefix, spec.endpoint, spec.region, spec.path_style));
  } catch (const std::exception& e) {
    throw util::FatalError(e.what());
  }
  if (!state.empty()) {
    manifest.output.root = fs::absolute(state).lexically_normal();
    return;
  }
  std::string folder = (fs::temp_directory_path() / "prerender-state-XXXXXX").string();
  if (!::mkdtemp(folder.data()))
    throw util::FatalError(fmt::format("cannot make a temporary state folder for {}", spec.url()));
  m_temporary = folder;
  manifest.output.root = m_temporary;
}

StoreScope::~StoreScope() {
  std::error_code ignored;
  if (!m_temporary.empty()) fs::remove_all(m_temporary, ignored);
}

}  // namespace prerender::cli
