// libcsv (Debian libcsv-dev ships no .pc file): header /usr/include/csv.h, library -lcsv.
#include <csv.h>
