// libpq, the PostgreSQL client library in C, for the command path's appends (LibPQAppender).
#include <libpq-fe.h>
