// Debian's zlib (zlib1g-dev): raw deflate and CRC-32 for the export's own xlsx writer.
#include <zlib.h>
