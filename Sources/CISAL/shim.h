// Debian's Intel ISA-L (libisal-dev): deflate and CRC-32 for the export's own xlsx writer.
#include <isa-l/igzip_lib.h>
#include <isa-l/crc.h>

// The level-1 buffer size is a macro expression, which Swift does not import.
static inline unsigned int careledger_isal_level1_buffer_size(void) { return ISAL_DEF_LVL1_DEFAULT; }
