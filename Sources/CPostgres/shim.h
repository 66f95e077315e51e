// libpq, PostgreSQL's C client (Debian: libpq-dev), for the registry on a server database.
#include <libpq-fe.h>
