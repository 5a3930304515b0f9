#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace prerender::output {

// What a store holds besides an object's bytes: Content-Type, Cache-Control and user metadata
// ("x-amz-meta-..." headers for S3), each as (header name, value).
using ObjectHeaders = std::vector<std::pair<std::string, std::string>>;

// The metadata key of a rendition's content hash (the journal's etag), compared before an upload.
inline constexpr std::string_view k_content_hash_meta = "x-amz-meta-content-hash";
// Where the run's journal, lists and run.json are kept in the store, under its prefix.
inline constexpr std::string_view k_state_prefix = ".prerender/";

// What a run sent to the store and what it did not need to.
struct StoreCounts {
  std::uint64_t puts = 0, put_bytes = 0;  // objects acknowledged, and their bytes
  std::uint64_t heads = 0;                // hash look-ups of objects the journal did not know
  std::uint64_t unchanged = 0;            // renditions not uploaded: the store already held their bytes
  std::uint64_t retries = 0;              // attempts repeated after a 5xx, 429 or connection error
};

// An object store as the output root: renditions go to keys (a rendition's output path) instead of files.
// The engine writes through this interface; the implementation (net/s3_store) is chosen by the command.
// Every call may come from any thread at once. A refusal throws util::RetryableError whose message names
// the object and the store's own error code and message.
class ObjectSink {
 public:
  virtual ~ObjectSink() = default;

  // Stores `bytes` at `key` and returns once the store acknowledged it (2xx).
  virtual void put(const std::string& key, std::string_view bytes, const ObjectHeaders& headers) = 0;
  // The same with the bytes of the regular file `file`, streamed (a journal need not fit in memory);
  // nothing when there is no such file.
  virtual void put_file(const std::string& key, const std::filesystem::path& file, const ObjectHeaders& headers) = 0;
  // The value of the object's k_content_hash_meta metadata; "" when the object or the metadata is missing.
  virtual std::string stored_hash(const std::string& key) = 0;
  // The object's bytes; nothing when there is no such object.
  virtual std::optional<std::string> get(const std::string& key) = 0;
  // The keys that start with `prefix`, relative to the store's own prefix.
  virtual std::vector<std::string> list(const std::string& prefix) = 0;

  // "s3://bucket/prefix/key", for messages.
  virtual std::string describe(const std::string& key) const = 0;
  virtual StoreCounts counts() const = 0;
  virtual void count_unchanged() = 0;
  // True once the store refused a request for a reason a repeat cannot change (credentials, signature,
  // permissions): a run stops admitting new assets.
  virtual bool refused() const = 0;
};

}  // namespace prerender::output
