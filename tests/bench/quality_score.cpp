// The benchmark's quality score (tests/bench/quality_bench.py): the butteraugli 3-norm of an encoded output
// against one precise resize of its source, the same reference for every tool.
//   prerender_quality_score [--threads N]          (default 2)
// Reads "SOURCE<TAB>OUTPUT" lines from standard input. A blank line (or the end of input) closes a batch: its
// pairs are scored on N threads and one line per pair is printed, in input order, then a blank line; the
// process then reads the next batch. A line is the score ("1.2345") or "error<TAB>reason".
//
// The reference at an output's size: the source decoded, autorotated, in sRGB, cast to float, flattened on
// white, resized with lanczos3 to exactly that size with no box pre-shrink (gap 0: reduce does all of it),
// rounded back to 8 bits. References are kept in memory per source and size for the process's life, so
// the outputs of several tools share one. The output is decoded by libvips and flattened on white too.
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fmt/format.h>
#include <future>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "presets/preset.hpp"
#include "render/butteraugli.hpp"
#include "render/error.hpp"
#include "render/runtime.hpp"
#include "render/vips_util.hpp"

namespace {

using prerender::render::MetricPixels;
using Reference = std::shared_ptr<const MetricPixels>;

const prerender::presets::Colour k_white{255, 255, 255, 255};

struct Pair {
  std::string source, output;
};

// The precise resize of `source` at width x height (see the top of the file). Throws RenderError.
MetricPixels make_reference(const std::string& source, int width, int height) {
  const prerender::render::VipsCall call({source});
  try {
    vips::VImage image = vips::VImage::new_from_file(source.c_str()).autorot();
    if (image.interpretation() != VIPS_INTERPRETATION_sRGB || image.bands() < 3)
      image = image.colourspace(VIPS_INTERPRETATION_sRGB);
    image = image.cast(VIPS_FORMAT_FLOAT);
    // Flattening before the resize equals resizing premultiplied pixels and flattening after: both are
    // linear and the kernel's weights sum to one.
    if (image.has_alpha())
      image = image.flatten(vips::VImage::option()->set("background", std::vector<double>{255.0, 255.0, 255.0}));
    if (image.width() != width || image.height() != height)
      image = image.resize(double(width) / image.width(), vips::VImage::option()
                                                              ->set("vscale", double(height) / image.height())
                                                              ->set("kernel", VIPS_KERNEL_LANCZOS3)
                                                              ->set("gap", 0.0));
    image = image.rint().cast(VIPS_FORMAT_UCHAR);
    // reduce rounds its output size; a pixel short or over is repeated or cut, never rescaled.
    if (image.width() != width || image.height() != height)
      image = image.embed(0, 0, width, height, vips::VImage::option()->set("extend", VIPS_EXTEND_COPY));
    return prerender::render::metric_pixels(image, k_white);
  } catch (const vips::VError& e) {
    throw prerender::render::RenderError(source + ": " + prerender::render::first_line(e));
  }
}

class References {
 public:
  // The reference of `source` at width x height, made once; a second caller waits for the first.
  Reference get(const std::string& source, int width, int height) {
    const std::string key = fmt::format("{}\t{}x{}", source, width, height);
    std::promise<Reference> promise;
    std::shared_future<Reference> future;
    bool mine = false;
    {
      const std::lock_guard<std::mutex> lock(m_mutex);
      const auto it = m_made.find(key);
      if (it != m_made.end()) {
        future = it->second;
      } else {
        future = promise.get_future().share();
        m_made.emplace(key, future);
        mine = true;
      }
    }
    if (mine) {
      try {
        promise.set_value(std::make_shared<const MetricPixels>(make_reference(source, width, height)));
      } catch (...) {
        promise.set_exception(std::current_exception());
      }
    }
    return future.get();
  }

 private:
  std::mutex m_mutex;
  std::map<std::string, std::shared_future<Reference>> m_made;  // guarded by m_mutex
};

std::string score(const Pair& pair, References& references) {
  try {
    MetricPixels candidate;
    {
      const prerender::render::VipsCall call({pair.output});
      try {
        candidate = prerender::render::metric_pixels(vips::VImage::new_from_file(pair.output.c_str()), k_white);
      } catch (const vips::VError& e) {
        throw prerender::render::RenderError(pair.output + ": " + prerender::render::first_line(e));
      }
    }
    const Reference reference = references.get(pair.source, candidate.width, candidate.height);
    return fmt::format("{:.4f}", prerender::render::butteraugli(*reference, candidate));
  } catch (const std::exception& e) {
    std::string reason = e.what();
    for (char& c : reason)
      if (c == '\n' || c == '\t') c = ' ';
    return "error\t" + reason;
  }
}

void score_batch(const std::vector<Pair>& batch, int threads, References& references) {
  std::vector<std::string> results(batch.size());
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      for (std::size_t i; (i = next++) < batch.size();) results[i] = score(batch[i], references);
      prerender::render::release_thread();
    });
  for (std::thread& t : pool) t.join();
  for (const std::string& line : results) std::fputs((line + "\n").c_str(), stdout);
  std::fputs("\n", stdout);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  int threads = 2;
  if (argc == 3 && std::string(argv[1]) == "--threads") {
    threads = std::atoi(argv[2]);
  } else if (argc != 1) {
    std::fprintf(stderr, "usage: %s [--threads N] < pairs (SOURCE<TAB>OUTPUT lines, a blank line ends a batch)\n",
                 argv[0]);
    return 2;
  }
  if (threads < 1) threads = 1;
  // AVIF outputs carry an nclx colour profile libvips does not read; that warning says nothing about the score.
  const prerender::render::VipsRuntime runtime(argv[0], [](std::string_view domain, std::string_view message) {
    if (message.find("ignoring nclx profile") == std::string_view::npos)
      std::fprintf(stderr, "prerender_quality_score: warning: %.*s: %.*s\n", int(domain.size()), domain.data(),
                   int(message.size()), message.data());
  });
  References references;
  std::vector<Pair> batch;
  std::string line;
  bool any = false;
  while (std::getline(std::cin, line)) {
    if (line.empty()) {
      score_batch(batch, threads, references);
      batch.clear();
      any = true;
      continue;
    }
    const auto tab = line.find('\t');
    if (tab == std::string::npos) {
      std::fprintf(stderr, "%s: not SOURCE<TAB>OUTPUT: %s\n", argv[0], line.c_str());
      return 2;
    }
    batch.push_back({line.substr(0, tab), line.substr(tab + 1)});
  }
  if (!batch.empty() || !any) score_batch(batch, threads, references);
  return 0;
}
