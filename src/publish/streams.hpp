#pragma once

#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "output/journal.hpp"

namespace prerender::publish {

// Lines of a text file (urls.txt, changed.txt), one at a time, so that memory stays flat in the number of
// lines. Opened without following a link. Throws std::runtime_error naming the file when it cannot be
// opened (missing, a link, not a regular file).
class LineReader {
 public:
  explicit LineReader(const std::filesystem::path& path);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;
  // The next non-empty line without its newline (and a trailing '\r'); false at the end.
  bool next(std::string& line);

 private:
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> m_file;
  char* m_buffer = nullptr;
  std::size_t m_capacity = 0;
};

// Calls `visit` with the latest record of each rendition in the journal at `path` (the last line of each
// key wins, as when a run reads it), in the order of those lines. Two passes over the file: memory holds a
// 64-bit key hash and a line number per rendition, never the records. Unreadable lines are skipped and
// counted in `unreadable`. Throws std::runtime_error when the file cannot be opened.
void for_each_latest(const std::filesystem::path& path,
                     const std::function<void(const output::RenditionRecord&)>& visit,
                     std::size_t* unreadable = nullptr);

}  // namespace prerender::publish
