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

// Caps glibc malloc's arenas (unless MALLOC_ARENA_MAX is set in the environment): with one arena per
// thread, freed image buffers stay spread over many arenas and peak RSS nearly doubles. Call before any
// thread starts.
void limit_malloc_arenas(int arenas);

// Returns freed heap memory to the system (glibc malloc_trim): after a large image is freed, its pages
// would otherwise stay resident and count against the memory budget.
void release_free_memory();

// Peak resident set size of this process so far, in bytes.
std::uint64_t peak_rss_bytes();

}  // namespace prerender::util
