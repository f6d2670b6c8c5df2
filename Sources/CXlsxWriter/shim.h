// Debian's libxlsxwriter (libxlsxwriter-dev): the Excel writer of the export's xlsx profiles.
#include <xlsxwriter.h>
