#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "engine/plan.hpp"

namespace prerender::engine {

// Looks up one environment variable; nothing when it is unset.
using EnvironmentLookup = std::function<std::optional<std::string>(std::string_view name)>;

// `--shard auto`: the shard of this process from the batch engine's environment.
//   Kubernetes Indexed Job: JOB_COMPLETION_INDEX, count from `count` (--shards N, the Job's completions).
//   Slurm job array: SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN (divided by SLURM_ARRAY_TASK_STEP when
//     set), count SLURM_ARRAY_TASK_COUNT; `count`, when given, must agree.
//   AWS Batch array job: AWS_BATCH_JOB_ARRAY_INDEX, count from `count`.
// Where several engines' variables are set, they must give the same shard. Returns the shard, or a message
// naming the variables at fault: none set, not a number, disagreeing, or a count missing.
std::variant<Shard, std::string> shard_from_environment(const EnvironmentLookup& env,
                                                        std::optional<std::uint32_t> count);

}  // namespace prerender::engine
