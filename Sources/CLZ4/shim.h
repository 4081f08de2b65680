#ifndef RONDO_CLZ4_SHIM_H
#define RONDO_CLZ4_SHIM_H
// Only RondoCompression imports this module; everything else goes through its Swift API.
#include <lz4.h>
#endif
