#include "render/asset.hpp"

#include <algorithm>
#include <chrono>

#include "util/time.hpp"

namespace prerender::render {
namespace {

const Master& master_at(const std::vector<Master>& masters, int level) {
  return *std::find_if(masters.begin(), masters.end(), [&](const Master& m) { return m.level == level; });
}

// One decode's renditions: grouped by shared transform, the groups and the encodes within a group
// independent of each other.
void render_decode(const AssetJob& job, const Decode& decode, const std::vector<Master>& masters, double decode_seconds,
                   const ParallelFor& parallel, const Deliver& deliver) {
  std::vector<std::vector<std::size_t>> groups;
  for (std::size_t i : decode.requests) {
    const Master& master = master_at(masters, decode_level(job.info, job.requests[i]));
    auto group = std::find_if(groups.begin(), groups.end(), [&](const std::vector<std::size_t>& g) {
      return render::same_transform(master, job.requests[g.front()], job.requests[i]);
    });
    if (group == groups.end())
      groups.push_back({i});
    else
      group->push_back(i);
  }
  parallel(groups.size(), [&](std::size_t g) {
    const std::vector<std::size_t>& group = groups[g];
    const RenditionRequest& first = job.requests[group.front()];
    std::optional<Transformed> transformed;
    std::string transform_error;
    try {
      transformed.emplace(transform_rendition(master_at(masters, decode_level(job.info, first)), first, job.focus,
                                              job.limits.max_seconds));
    } catch (const std::exception& e) {
      transform_error = e.what();
    }
    parallel(group.size(), [&](std::size_t m) {
      RenditionResult result;
      if (group[m] == decode.requests.front()) result.decode_seconds = decode_seconds;
      try {
        if (!transformed) throw RenderError(transform_error);
        const std::size_t k = group[m];
        result.rendered =
            encode_rendition(*transformed, job.requests[k], job.limits.max_seconds,
                             k < job.remembered_quality.size() ? job.remembered_quality[k] : std::nullopt);
        if (m != 0) result.rendered.transform_seconds = 0;
      } catch (const std::exception& e) {
        result.error = e.what();
      }
      deliver(group[m], std::move(result));
    });
  });
}

}  // namespace

void serial_for(std::size_t count, const std::function<void(std::size_t)>& body) {
  for (std::size_t i = 0; i < count; ++i) body(i);
}

std::optional<AssetMetadata> render_asset(const AssetJob& job, Metadata metadata, const ParallelFor& parallel,
                                          const Deliver& deliver) {
  std::vector<Decode> decodes = plan_decodes(job.info, job.requests);
  // The metadata rides on the first decode its level comes from; a level more of that decode is a few
  // halvings, not another decode.
  const int meta_level = metadata_level(job.info);
  Decode* meta = nullptr;
  if (metadata == Metadata::yes) {
    for (Decode& d : decodes) {
      if (d.base != decode_base(job.info, meta_level)) continue;
      meta = &d;
      if (std::find(d.levels.begin(), d.levels.end(), meta_level) == d.levels.end()) {
        d.levels.push_back(meta_level);
        std::sort(d.levels.begin(), d.levels.end());
      }
      break;
    }
  }
  std::optional<AssetMetadata> out;
  for (const Decode& decode : decodes) {
    const auto start = std::chrono::steady_clock::now();
    std::vector<Master> masters;
    try {
      masters = decode_levels(*job.source, job.info, decode, job.limits);
    } catch (const std::exception& e) {
      for (std::size_t i : decode.requests) {
        RenditionResult failed;
        failed.error = e.what();
        if (i == decode.requests.front()) failed.decode_seconds = util::seconds_since(start);
        deliver(i, std::move(failed));
      }
      continue;
    }
    const double decode_seconds = util::seconds_since(start);
    if (&decode == meta) {
      try {
        out = asset_metadata(master_at(masters, meta_level));
      } catch (const std::exception& e) {
        for (std::size_t i : decode.requests)
          deliver(i, RenditionResult{{}, e.what(), i == decode.requests.front() ? decode_seconds : 0});
        continue;
      }
    }
    render_decode(job, decode, masters, decode_seconds, parallel, deliver);
  }
  return out;
}

}  // namespace prerender::render
