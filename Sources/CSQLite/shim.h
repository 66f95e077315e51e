// SQLite's C API (pkg-config `sqlite3`).
#include <sqlite3.h>
