#pragma once

#include <array>
#include <cstddef>
#include <utility>
#include <vector>
#include <string>
#include <string_view>

#include "output/journal.hpp"

namespace prerender::publish {

// What the origin needs to serve an output root with each rendition's headers (publish-config):
//   http_conf:   for nginx's http block: one `map $uri` per header (tags, ETag, Cache-Control,
//                CDN-Cache-Control, Surrogate-Control; the most common value as the map's default);
//   server_conf: for a server block: a location at the URL prefix that serves only the renditions the
//                journal lists (404 otherwise: the journal, lists and temporary files are not published),
//                with the image types nginx 1.22 lacks (image/jxl, image/heic; image/avif in upstream's),
//                `etag off` and the headers from the maps;
//   sidecar:     JSON lines, one per rendition: path, url, etag, tags and the object metadata a sync tool
//                sets (Content-Type, Cache-Control, x-amz-meta-surrogate-key, ...).
struct OriginFiles {
  std::string http_conf, server_conf, sidecar;
  std::size_t renditions = 0;
  std::size_t untagged = 0;  // recorded before tags were: a run records them
};

class OriginWriter {
 public:
  // `base_url` is the manifest's output.base_url (its path is the URL prefix the location serves);
  // `root` the output root nginx serves.
  OriginWriter(std::string_view base_url, std::string root);
  // Records that failed are left out.
  void add(const output::RenditionRecord& record);
  OriginFiles finish();

 private:
  std::string m_prefix, m_root;
  std::vector<std::pair<std::string, std::array<std::string, 6>>> m_rows;  // uri, values
  OriginFiles m_out;
};

// The path part of a base URL, ending in '/': "https://img.example.com/v/" -> "/v/"; "" -> "/".
std::string url_prefix(std::string_view base_url);

}  // namespace prerender::publish
