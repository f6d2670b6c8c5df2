#ifndef CCRC32C_H
#define CCRC32C_H
#include <stddef.h>
#include <stdint.h>

/* CRC-32C (Castagnoli) with the CPU's own instruction (x86-64 SSE4.2), for the log's frame
 * check words. `crc` and the result are the raw register (no pre/post inversion): the Swift
 * side keeps the conventions and the portable table version. */

/* 1 when this CPU has the instruction (asked once), 0 otherwise. */
int ccrc32c_hardware_available(void);

/* Only call when ccrc32c_hardware_available() is 1. */
uint32_t ccrc32c_hardware_update(uint32_t crc, const unsigned char *data, size_t length);

#endif
