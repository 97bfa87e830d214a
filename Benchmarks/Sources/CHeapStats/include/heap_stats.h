#ifndef STOCKD_HEAP_STATS_H
#define STOCKD_HEAP_STATS_H

#include <stddef.h>

/// Bytes the C heap holds in use (glibc `mallinfo2`: arena chunks in use plus mmapped blocks, allocator
/// overhead included), or 0 where the C library does not say.
size_t stockd_heap_bytes_in_use(void);

/// The resident set size of this process in bytes (`/proc/self/statm`), or 0 where unavailable.
size_t stockd_resident_bytes(void);

/// Asks the allocator to give free memory back to the system (glibc `malloc_trim`); no-op elsewhere.
void stockd_heap_trim(void);

#endif
