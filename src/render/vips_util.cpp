#include "render/vips_util.hpp"

#include <cctype>
#include <chrono>
#include <deque>
#include <fmt/format.h>
#include <memory>
#include <mutex>
#include <set>
#include <string_view>

namespace prerender::render {

// How a failure finds its own message. libvips 8.14 appends every error, from any thread, to one
// process-wide text buffer, and vips::VError copies the whole buffer when it is thrown. Neither a clear at
// the start of a call (another thread's failure may be half written) nor the first line of the copy (a
// line another call left, recovered or not yet read) is this call's message. So:
// - The buffer is drained, atomically (vips_error_buffer_copy), into one ledger of numbered lines,
//   whenever a call starts or fails; lines stay there while a call that ran when they came could claim them.
// - A call may claim only lines that came while it ran (numbered from its start), not claimed by
//   another call, and not naming another source or another format: libvips prefixes a line with the
//   operation ("vipspng", "VipsJpeg", "gifload") or, for source I/O, the file's name ("x.heic: bad
//   seek"). Of those, the ones that were still in the buffer when its VError was thrown come first.
// The residue: two sources of one format failing in the same instant on two threads give lines that
// nothing in the text tells apart; each call then takes the first one not yet claimed, and leaves the
// others of the same text to the calls they belong to. Serialising
// libvips calls would remove that too, at the cost of all parallelism, so it is not done.
namespace {

struct Line {
  std::uint64_t number = 0;
  std::string text;
  bool claimed = false;
  bool warning = false;  // a libvips warning (a codec's own words, e.g. libpng's "IDAT: CRC error")
};

// The ledger is shared like the libvips buffer it mirrors: one per process, behind its mutex.
class Ledger {
 public:
  static Ledger& instance() {
    static Ledger ledger;
    return ledger;
  }
  std::mutex mutex;
  std::deque<Line> lines;
  std::uint64_t next = 0;
  std::multiset<std::uint64_t> open;  // the first line number of each call in progress

  // Moves what libvips has written since the last drain into the ledger. Called with `mutex` held.
  void drain() {
    char* text = vips_error_buffer_copy();
    std::string_view rest(text ? text : "");
    while (!rest.empty()) {
      const std::size_t end = rest.find('\n');
      std::string line(rest.substr(0, end));
      while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
      if (!line.empty()) lines.push_back({next++, std::move(line), false, false});
      if (end == std::string_view::npos) break;
      rest.remove_prefix(end + 1);
    }
    g_free(text);
  }

  // Forgets the lines no call in progress may claim. Called with `mutex` held.
  void prune() {
    const std::uint64_t oldest = open.empty() ? next : *open.begin();
    while (!lines.empty() && lines.front().number < oldest) lines.pop_front();
  }
};

thread_local std::vector<VipsCall*> t_calls;  // this thread's calls in progress, innermost last

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The format families libvips names its loaders and savers after.
constexpr std::string_view k_families[] = {"jpeg", "png", "gif",  "webp",     "heif", "tiff",
                                           "svg",  "jxl", "jp2k", "openjpeg", "pdf",  "magick"};

bool names_any(std::string_view text, const std::vector<std::string>& names) {
  for (const std::string& name : names)
    if (!name.empty() && text.find(name) != std::string_view::npos) return true;
  return false;
}

// Whether a line is, by its prefix, another call's: it names a file that is not this call's, or a
// format family that is not this call's.
bool foreign(const std::string& line, const std::vector<std::string>& names) {
  const std::size_t colon = line.find(": ");
  if (colon == std::string::npos) return false;
  const std::string domain = lower(std::string_view(line).substr(0, colon));
  if (names_any(domain, names)) return false;
  if (domain.find('/') != std::string::npos || domain.find('.') != std::string::npos) return true;  // a file's name
  for (std::string_view family : k_families)
    if (domain.find(family) != std::string::npos) return true;
  return false;
}

std::string claim(const vips::VError& error, std::uint64_t start, const std::vector<std::string>& names) {
  Ledger& ledger = Ledger::instance();
  std::lock_guard lock(ledger.mutex);
  ledger.drain();
  const std::string thrown = error.what();
  auto in_thrown = [&](const std::string& text) {
    std::size_t at = thrown.find(text);
    for (; at != std::string::npos; at = thrown.find(text, at + 1))
      if ((at == 0 || thrown[at - 1] == '\n') &&
          (at + text.size() == thrown.size() || thrown[at + text.size()] == '\n' || thrown[at + text.size()] == ' ' ||
           thrown[at + text.size()] == '\r'))
        return true;
    return false;
  };
  std::vector<Line*> mine, thrown_mine;
  Line* warning = nullptr;
  for (Line& line : ledger.lines) {
    if (line.number < start || line.claimed || foreign(line.text, names)) continue;
    if (line.warning) {
      // libvips' "error in tile 0 x 64" only says where a loader stopped; the codec says why.
      if (!warning && line.text.rfind("error in tile", 0) != 0) warning = &line;
      continue;
    }
    mine.push_back(&line);
    if (in_thrown(line.text)) thrown_mine.push_back(&line);
  }
  const std::vector<Line*>& chosen = thrown_mine.empty() ? mine : thrown_mine;
  // A source's "bad seek" is the HEIF loader reading past the end, which it recovers from; the line after
  // it says why the call failed.
  const Line* first = chosen.empty() ? nullptr : chosen.front();
  for (const Line* line : chosen) {
    if (line->text.find(": bad seek to ") == std::string::npos) {
      first = line;
      break;
    }
  }
  std::string text = first ? first->text : "libvips failed without a message";
  // The call takes its lines, but of the lines with its reason's very text only one: two calls failing
  // alike at once (two truncated JPEGs) each left one, and the other call's is that call's reason.
  for (Line* line : chosen)
    if (line == first || line->text != first->text) line->claimed = true;
  // Some loaders fail with a generic line ("vipspng: libpng read error") after their codec warned the
  // reason: the first warning of this call goes with a failure of its own codec (a warning names no
  // file, so one beside another codec's failure may be another call's).
  const std::size_t colon = text.find(": ");
  const bool own_codec =
      !chosen.empty() && colon != std::string::npos && names_any(lower(text.substr(0, colon)), names);
  if (warning && own_codec && text.find(warning->text) == std::string::npos) {
    text += " (" + warning->text + ")";
    warning->claimed = true;
  }
  ledger.prune();
  return text;
}

}  // namespace

void note_libvips_warning(std::string_view message) {
  std::string text(message);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '\r')) text.pop_back();
  if (text.empty()) return;
  Ledger& ledger = Ledger::instance();
  std::lock_guard lock(ledger.mutex);
  if (ledger.open.empty()) return;  // no call in progress could claim it
  // No drain here: a warning may come from inside libvips, which must not wait for its own lock.
  ledger.lines.push_back({ledger.next++, std::move(text), false, true});
}

VipsCall::VipsCall(std::vector<std::string> names) {
  for (const std::string& name : names) m_names.push_back(lower(name));
  Ledger& ledger = Ledger::instance();
  {
    std::lock_guard lock(ledger.mutex);
    ledger.drain();  // what is there now came before this call: never its message
    ledger.prune();
    m_start = ledger.next;
    ledger.open.insert(m_start);
  }
  t_calls.push_back(this);
}

VipsCall::~VipsCall() {
  if (!t_calls.empty() && t_calls.back() == this) t_calls.pop_back();
  Ledger& ledger = Ledger::instance();
  std::lock_guard lock(ledger.mutex);
  ledger.open.erase(ledger.open.find(m_start));
  ledger.prune();
}

std::string VipsCall::reason(const vips::VError& error) const { return claim(error, m_start, m_names); }

std::string first_line(const vips::VError& error) {
  if (!t_calls.empty()) return t_calls.back()->reason(error);
  return claim(error, 0, {});
}

std::string to_string(VipsBlob* blob) {
  auto unref = [](VipsBlob* b) { vips_area_unref(VIPS_AREA(b)); };
  std::unique_ptr<VipsBlob, decltype(unref)> owned(blob, unref);
  std::size_t size = 0;
  const void* data = vips_blob_get(blob, &size);
  return std::string(static_cast<const char*>(data), size);
}

namespace {

struct Deadline {
  std::chrono::steady_clock::time_point at;
};

void on_eval(VipsImage* image, VipsProgress*, gpointer data) {
  if (std::chrono::steady_clock::now() > static_cast<Deadline*>(data)->at) vips_image_set_kill(image, TRUE);
}

}  // namespace

void stop_after(vips::VImage& image, double seconds) {
  if (seconds <= 0) return;
  auto* deadline =
      new Deadline{std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                          std::chrono::duration<double>(seconds))};
  vips_image_set_progress(image.get_image(), TRUE);
  g_signal_connect_data(
      image.get_image(), "eval", G_CALLBACK(on_eval), deadline,
      [](gpointer data, GClosure*) { delete static_cast<Deadline*>(data); }, GConnectFlags{});
}

std::string killed_or(const std::string& message, double seconds) {
  if (message.find("killed") != std::string::npos)
    return fmt::format("stopped after limits.max_seconds ({:g} s)", seconds);
  return message;
}

}  // namespace prerender::render
