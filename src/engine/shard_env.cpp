#include "engine/shard_env.hpp"

#include <charconv>
#include <fmt/format.h>
#include <vector>

namespace prerender::engine {

namespace {

struct Found {
  Shard shard;
  std::string source;  // "JOB_COMPLETION_INDEX=2 with --shards 4", for messages
};

using Result = std::variant<std::optional<Found>, std::string>;

// The variable as a non-negative integer; an error message when set but not one.
std::variant<std::optional<std::uint32_t>, std::string> number(const EnvironmentLookup& env, std::string_view name) {
  const auto text = env(name);
  if (!text) return std::optional<std::uint32_t>{};
  std::uint32_t value = 0;
  const auto r = std::from_chars(text->data(), text->data() + text->size(), value);
  if (text->empty() || r.ec != std::errc() || r.ptr != text->data() + text->size())
    return fmt::format("{}=\"{}\" is not a non-negative integer", name, *text);
  return std::optional<std::uint32_t>{value};
}

// An engine that gives only an index: the count comes from --shards.
Result index_with_count(const EnvironmentLookup& env, std::string_view name, std::optional<std::uint32_t> count) {
  auto index = number(env, name);
  if (auto* error = std::get_if<std::string>(&index)) return *error;
  const auto value = std::get<std::optional<std::uint32_t>>(index);
  if (!value) return std::optional<Found>{};
  if (!count) return fmt::format("{}={} is set but the shard count is not: pass --shards N", name, *value);
  if (*value >= *count) return fmt::format("{}={} is not below --shards {}", name, *value, *count);
  return std::optional<Found>{Found{{*value, *count}, fmt::format("{}={} with --shards {}", name, *value, *count)}};
}

Result from_slurm(const EnvironmentLookup& env, std::optional<std::uint32_t> count) {
  std::optional<std::uint32_t> values[4];
  const char* names[4] = {"SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_COUNT",
                          "SLURM_ARRAY_TASK_STEP"};
  for (int i = 0; i < 4; ++i) {
    auto v = number(env, names[i]);
    if (auto* error = std::get_if<std::string>(&v)) return *error;
    values[i] = std::get<std::optional<std::uint32_t>>(v);
  }
  const auto [id, min, total, step_set] = values;
  if (!id) return std::optional<Found>{};
  if (!min || !total)
    return fmt::format("SLURM_ARRAY_TASK_ID={} is set but SLURM_ARRAY_TASK_MIN or SLURM_ARRAY_TASK_COUNT is not", *id);
  const std::uint32_t step = step_set.value_or(1);
  if (*id < *min || step == 0 || (*id - *min) % step != 0 || (*id - *min) / step >= *total || *total == 0)
    return fmt::format(
        "SLURM_ARRAY_TASK_ID={} does not fall in an array of SLURM_ARRAY_TASK_COUNT={} from "
        "SLURM_ARRAY_TASK_MIN={} by {}: submit the array as --array=0-{}",
        *id, *total, *min, step, *total == 0 ? 0 : *total - 1);
  if (count && *count != *total)
    return fmt::format("--shards {} disagrees with SLURM_ARRAY_TASK_COUNT={}", *count, *total);
  const Shard shard{(*id - *min) / step, *total};
  return std::optional<Found>{
      Found{shard, fmt::format("SLURM_ARRAY_TASK_ID={} (shard {}/{})", *id, shard.index, shard.count)}};
}

}  // namespace

std::variant<Shard, std::string> shard_from_environment(const EnvironmentLookup& env,
                                                        std::optional<std::uint32_t> count) {
  std::vector<Found> found;
  for (const Result& r : {index_with_count(env, "JOB_COMPLETION_INDEX", count), from_slurm(env, count),
                          index_with_count(env, "AWS_BATCH_JOB_ARRAY_INDEX", count)}) {
    if (const auto* error = std::get_if<std::string>(&r)) return "--shard auto: " + *error;
    if (const auto& f = std::get<std::optional<Found>>(r)) found.push_back(*f);
  }
  if (found.empty())
    return std::string(
        "--shard auto: none of JOB_COMPLETION_INDEX (Kubernetes), SLURM_ARRAY_TASK_ID (Slurm) or "
        "AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch) is set; outside a batch engine pass --shard K/N");
  for (const Found& f : found) {
    if (f.shard.index != found.front().shard.index || f.shard.count != found.front().shard.count)
      return fmt::format("--shard auto: {} disagrees with {}", found.front().source, f.source);
  }
  return found.front().shard;
}

}  // namespace prerender::engine
