#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace prerender::util {

// CPUs this process may use: its affinity mask, further limited by a cgroup CPU quota (v2 cpu.max or
// v1 cfs_quota_us/cfs_period_us), rounded up, at least 1.
int available_cpus();

// Memory this process may use: the cgroup limit (v2 memory.max or v1 memory.limit_in_bytes) when set,
// else MemAvailable from /proc/meminfo. Nothing when neither can be read.
std::optional<std::uint64_t> available_memory();

// Peak resident set size of this process so far, in bytes.
std::uint64_t peak_rss_bytes();

}  // namespace prerender::util
