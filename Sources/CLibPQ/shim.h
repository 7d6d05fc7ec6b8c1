// libpq, the PostgreSQL client library in C (Debian's libpq-dev), for LibPQAppender. Debian keeps
// its header under /usr/include/postgresql, found this way without pkg-config; elsewhere
// pkg-config's include path finds it.
#if __has_include(<postgresql/libpq-fe.h>)
#include <postgresql/libpq-fe.h>
#else
#include <libpq-fe.h>
#endif
