#include "publish/streams.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>
#include <unordered_map>

#include "util/hash.hpp"

namespace prerender::publish {
namespace {

std::FILE* open_text(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    const int saved = errno;
    if (saved == ELOOP)
      throw std::runtime_error(fmt::format("'{}' is a symbolic link; it is not followed", path.string()));
    throw std::runtime_error(fmt::format("cannot open '{}': {}", path.string(), std::strerror(saved)));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw std::runtime_error(fmt::format("'{}' is not a regular file", path.string()));
  }
  std::FILE* file = ::fdopen(fd, "r");
  if (!file) {
    ::close(fd);
    throw std::runtime_error(fmt::format("cannot read '{}': {}", path.string(), std::strerror(errno)));
  }
  return file;
}

}  // namespace

LineReader::LineReader(const std::filesystem::path& path) : m_file(open_text(path), &std::fclose) {}

LineReader::~LineReader() { std::free(m_buffer); }

bool LineReader::next(std::string& line) {
  for (;;) {
    const ssize_t n = ::getline(&m_buffer, &m_capacity, m_file.get());
    if (n < 0) return false;
    std::size_t size = static_cast<std::size_t>(n);
    while (size > 0 && (m_buffer[size - 1] == '\n' || m_buffer[size - 1] == '\r')) --size;
    if (size == 0) continue;
    line.assign(m_buffer, size);
    return true;
  }
}

void for_each_latest(const std::filesystem::path& path,
                     const std::function<void(const output::RenditionRecord&)>& visit, std::size_t* unreadable) {
  std::size_t bad = 0;
  std::unordered_map<std::uint64_t, std::size_t> last_line;
  std::string line;
  {
    LineReader reader(path);
    for (std::size_t number = 0; reader.next(line); ++number) {
      try {
        last_line[util::stable_hash64(output::record_from_json(nlohmann::json::parse(line)).key())] = number;
      } catch (const nlohmann::json::exception&) {
        ++bad;
      }
    }
  }
  LineReader reader(path);
  for (std::size_t number = 0; reader.next(line); ++number) {
    try {
      const output::RenditionRecord record = output::record_from_json(nlohmann::json::parse(line));
      const auto found = last_line.find(util::stable_hash64(record.key()));
      if (found != last_line.end() && found->second == number) visit(record);
    } catch (const nlohmann::json::exception&) {
    }
  }
  if (unreadable) *unreadable = bad;
}

}  // namespace prerender::publish
