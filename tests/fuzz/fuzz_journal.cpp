// libFuzzer target: arbitrary bytes as a journal (renditions.jsonl, which a shared or object-store state
// folder may hand over torn or hostile), through the index scan and each entry's full record. Any line
// must index, count as unreadable or read back: never a crash, a throw out of the reader, or a read past it.
#include <cstdint>

#include "fuzz_support.hpp"
#include "output/journal.hpp"
#include "output/journal_index.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace prerender::output;
  const auto file = prerender::fuzz::write_input(data, size, "renditions.jsonl");
  const JournalSnapshot snapshot = JournalSnapshot::open(file);
  for (const JournalEntry& entry : snapshot.index->entries()) {
    if (const auto record = snapshot.index->record(entry)) (void)to_json(*record).dump();
  }
  return 0;
}
