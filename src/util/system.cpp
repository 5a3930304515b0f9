#include "util/system.hpp"

#include <cmath>
#include <cstdlib>
#include <malloc.h>
#include <fstream>
#include <sched.h>
#include <sstream>
#include <string>
#include <sys/resource.h>

namespace prerender::util {
namespace {

std::optional<std::string> read_first_line(const char* path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) return std::nullopt;
  return line;
}

std::optional<double> cgroup_cpu_quota() {
  if (auto line = read_first_line("/sys/fs/cgroup/cpu.max")) {  // v2: "max 100000" or "200000 100000"
    std::istringstream in(*line);
    std::string quota;
    double period = 0;
    if (in >> quota >> period && quota != "max" && period > 0) return std::stod(quota) / period;
    return std::nullopt;
  }
  auto quota = read_first_line("/sys/fs/cgroup/cpu/cpu.cfs_quota_us");
  auto period = read_first_line("/sys/fs/cgroup/cpu/cpu.cfs_period_us");
  if (quota && period) {
    const double q = std::stod(*quota), p = std::stod(*period);
    if (q > 0 && p > 0) return q / p;
  }
  return std::nullopt;
}

}  // namespace

int available_cpus() {
  int cpus = 1;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) cpus = std::max(1, CPU_COUNT(&set));
  if (auto quota = cgroup_cpu_quota()) cpus = std::min(cpus, std::max(1, static_cast<int>(std::ceil(*quota))));
  return cpus;
}

std::optional<std::uint64_t> available_memory() {
  // A cgroup limit of "max" (v2) or a huge number (v1 unlimited) means none.
  for (const char* path : {"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}) {
    if (auto line = read_first_line(path); line && *line != "max") {
      try {
        const std::uint64_t limit = std::stoull(*line);
        if (limit > 0 && limit < (1ull << 50)) return limit;
      } catch (const std::exception&) {
      }
    }
  }
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  std::uint64_t kib = 0;
  std::string unit;
  while (meminfo >> key >> kib >> unit)
    if (key == "MemAvailable:") return kib * 1024;
  return std::nullopt;
}

void limit_malloc_arenas(int arenas) {
  if (std::getenv("MALLOC_ARENA_MAX") == nullptr) mallopt(M_ARENA_MAX, arenas);
}

void release_free_memory() { malloc_trim(0); }

std::uint64_t peak_rss_bytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;  // Linux reports KiB
}

}  // namespace prerender::util
