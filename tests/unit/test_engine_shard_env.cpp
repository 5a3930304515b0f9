#include <doctest/doctest.h>
#include <map>

#include "engine/shard_env.hpp"

using namespace prerender;

namespace {

std::variant<engine::Shard, std::string> from(const std::map<std::string, std::string, std::less<>>& vars,
                                              std::optional<std::uint32_t> count = std::nullopt) {
  return engine::shard_from_environment(
      [&](std::string_view name) -> std::optional<std::string> {
        const auto it = vars.find(name);
        return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
      },
      count);
}

void check_shard(const std::variant<engine::Shard, std::string>& r, std::uint32_t index, std::uint32_t count) {
  REQUIRE_MESSAGE(std::holds_alternative<engine::Shard>(r), std::get<std::string>(r));
  CHECK(std::get<engine::Shard>(r).index == index);
  CHECK(std::get<engine::Shard>(r).count == count);
}

std::string error(const std::variant<engine::Shard, std::string>& r) {
  REQUIRE(std::holds_alternative<std::string>(r));
  return std::get<std::string>(r);
}

}  // namespace

TEST_CASE("shard auto: a Kubernetes completion index with --shards") {
  check_shard(from({{"JOB_COMPLETION_INDEX", "3"}}, 4), 3, 4);
  CHECK(error(from({{"JOB_COMPLETION_INDEX", "3"}})) ==
        "--shard auto: JOB_COMPLETION_INDEX=3 is set but the shard count is not: pass --shards N");
  CHECK(error(from({{"JOB_COMPLETION_INDEX", "4"}}, 4)) ==
        "--shard auto: JOB_COMPLETION_INDEX=4 is not below --shards 4");
  CHECK(error(from({{"JOB_COMPLETION_INDEX", "two"}}, 4)) ==
        "--shard auto: JOB_COMPLETION_INDEX=\"two\" is not a non-negative integer");
}

TEST_CASE("shard auto: a Slurm array task counts from the array's first id") {
  check_shard(from({{"SLURM_ARRAY_TASK_ID", "2"}, {"SLURM_ARRAY_TASK_MIN", "0"}, {"SLURM_ARRAY_TASK_COUNT", "4"}}), 2,
              4);
  check_shard(from({{"SLURM_ARRAY_TASK_ID", "12"}, {"SLURM_ARRAY_TASK_MIN", "10"}, {"SLURM_ARRAY_TASK_COUNT", "4"}}), 2,
              4);
  check_shard(from({{"SLURM_ARRAY_TASK_ID", "14"},
                    {"SLURM_ARRAY_TASK_MIN", "10"},
                    {"SLURM_ARRAY_TASK_COUNT", "4"},
                    {"SLURM_ARRAY_TASK_STEP", "2"}}),
              2, 4);
  check_shard(from({{"SLURM_ARRAY_TASK_ID", "1"}, {"SLURM_ARRAY_TASK_MIN", "0"}, {"SLURM_ARRAY_TASK_COUNT", "4"}}, 4),
              1, 4);
  CHECK(error(from({{"SLURM_ARRAY_TASK_ID", "1"}, {"SLURM_ARRAY_TASK_MIN", "0"}, {"SLURM_ARRAY_TASK_COUNT", "4"}},
                   8)) == "--shard auto: --shards 8 disagrees with SLURM_ARRAY_TASK_COUNT=4");
  CHECK(error(from({{"SLURM_ARRAY_TASK_ID", "1"}})) ==
        "--shard auto: SLURM_ARRAY_TASK_ID=1 is set but SLURM_ARRAY_TASK_MIN or SLURM_ARRAY_TASK_COUNT is not");
  // --array=0,5: two tasks, but id 5 is no shard of 2.
  CHECK(error(from({{"SLURM_ARRAY_TASK_ID", "5"}, {"SLURM_ARRAY_TASK_MIN", "0"}, {"SLURM_ARRAY_TASK_COUNT", "2"}})) ==
        "--shard auto: SLURM_ARRAY_TASK_ID=5 does not fall in an array of SLURM_ARRAY_TASK_COUNT=2 from "
        "SLURM_ARRAY_TASK_MIN=0 by 1: submit the array as --array=0-1");
}

TEST_CASE("shard auto: an AWS Batch array index with --shards") {
  check_shard(from({{"AWS_BATCH_JOB_ARRAY_INDEX", "0"}}, 2), 0, 2);
  CHECK(error(from({{"AWS_BATCH_JOB_ARRAY_INDEX", "0"}})) ==
        "--shard auto: AWS_BATCH_JOB_ARRAY_INDEX=0 is set but the shard count is not: pass --shards N");
}

TEST_CASE("shard auto: nothing set, or engines that disagree") {
  CHECK(error(from({{"HOME", "/root"}}, 4)) ==
        "--shard auto: none of JOB_COMPLETION_INDEX (Kubernetes), SLURM_ARRAY_TASK_ID (Slurm) or "
        "AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch) is set; outside a batch engine pass --shard K/N");
  CHECK(error(from({{"JOB_COMPLETION_INDEX", "1"}, {"AWS_BATCH_JOB_ARRAY_INDEX", "2"}}, 4)) ==
        "--shard auto: JOB_COMPLETION_INDEX=1 with --shards 4 disagrees with AWS_BATCH_JOB_ARRAY_INDEX=2 with --shards "
        "4");
  check_shard(from({{"JOB_COMPLETION_INDEX", "1"}, {"AWS_BATCH_JOB_ARRAY_INDEX", "1"}}, 4), 1, 4);
}
