#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "manifest/manifest.hpp"
#include "output/object_sink.hpp"

namespace prerender::cli {

// With `output.root: s3://...`: the store (net/s3_store, configured from the manifest and the AWS_*
// environment) and the local state folder, which becomes output.root: `--state DIR` when given (kept),
// otherwise a new temporary folder removed when this goes. A temporary folder by default because the
// store's .prerender/ is the truth between runs: a folder kept on one machine could hold a journal older
// than the one another machine left in the store. Without an s3:// root: no store, nothing changed.
class StoreScope {
 public:
  // Throws util::FatalError when the credentials are missing or the state folder cannot be made.
  StoreScope(manifest::Manifest& manifest, const std::string& state);
  ~StoreScope();
  StoreScope(const StoreScope&) = delete;
  StoreScope& operator=(const StoreScope&) = delete;

  output::ObjectSink* store() const { return m_store.get(); }

 private:
  std::unique_ptr<output::ObjectSink> m_store;
  std::filesystem::path m_temporary;  // removed at the end when set
};

// The help text of --state.
inline constexpr const char* k_state_help =
    "With output.root s3://...: keep the journal and lists in this folder during the run (default: a temporary "
    "folder; the store's .prerender/ holds them between runs)";

}  // namespace prerender::cli
