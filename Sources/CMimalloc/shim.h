// Debian's mimalloc. Linked into the drom executable, it replaces glibc's malloc for the whole
// process (see docs/performance.md, "Memory allocator").
#include <mimalloc.h>
