// libpq through dlopen (see include/cpostgres.h). Each call goes through a pointer bound once by
// seer_pq_load; callers load before their first connection, so the others need no check.
#include "cpostgres.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>

typedef void (*notice_processor)(void *, const char *);

static struct {
    void *(*connectdb)(const char *);
    int (*status)(const void *);
    void (*finish)(void *);
    char *(*error_message)(const void *);
    notice_processor (*set_notice_processor)(void *, notice_processor, void *);
    void *(*exec_params)(void *, const char *, int, const unsigned *, const char *const *, const int *, const int *, int);
    int (*result_status)(const void *);
    char *(*result_error_message)(const void *);
    char *(*result_error_field)(const void *, int);
    void (*clear)(void *);
    char *(*cmd_tuples)(void *);
    int (*ntuples)(const void *);
    int (*nfields)(const void *);
    unsigned (*ftype)(const void *, int);
    char *(*fname)(const void *, int);
    int (*getisnull)(const void *, int, int);
    char *(*getvalue)(const void *, int, int);
} pq;

static const char *load_error = "libpq was not loaded";
static pthread_once_t once = PTHREAD_ONCE_INIT;

#define BIND(slot, name)                                                                  \
    do {                                                                                  \
        void *found = dlsym(lib, name);                                                   \
        if (found == NULL) { load_error = "libpq.so.5 lacks " name " (a libpq older than 9.0?)"; return; } \
        *(void **)(&pq.slot) = found;                                                     \
    } while (0)

static void load(void) {
    void *lib = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) lib = dlopen("libpq.so", RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        load_error = "libpq.so.5 (PostgreSQL's client library) not found; install it (Debian: apt-get install libpq5) "
                     "to use a postgres:// registry";
        return;
    }
    BIND(connectdb, "PQconnectdb");
    BIND(status, "PQstatus");
    BIND(finish, "PQfinish");
    BIND(error_message, "PQerrorMessage");
    BIND(set_notice_processor, "PQsetNoticeProcessor");
    BIND(exec_params, "PQexecParams");
    BIND(result_status, "PQresultStatus");
    BIND(result_error_message, "PQresultErrorMessage");
    BIND(result_error_field, "PQresultErrorField");
    BIND(clear, "PQclear");
    BIND(cmd_tuples, "PQcmdTuples");
    BIND(ntuples, "PQntuples");
    BIND(nfields, "PQnfields");
    BIND(ftype, "PQftype");
    BIND(fname, "PQfname");
    BIND(getisnull, "PQgetisnull");
    BIND(getvalue, "PQgetvalue");
    load_error = NULL;
}

const char *seer_pq_load(void) {
    pthread_once(&once, load);
    return load_error;
}

static void ignore_notice(void *argument, const char *message) { (void)argument; (void)message; }

seer_pg_conn *seer_pq_connectdb(const char *conninfo) { return pq.connectdb(conninfo); }
int seer_pq_status(const seer_pg_conn *connection) { return pq.status(connection); }
void seer_pq_finish(seer_pg_conn *connection) { pq.finish(connection); }
const char *seer_pq_error_message(const seer_pg_conn *connection) { return pq.error_message(connection); }
void seer_pq_silence_notices(seer_pg_conn *connection) { pq.set_notice_processor(connection, ignore_notice, NULL); }
seer_pg_result *seer_pq_exec_params(seer_pg_conn *connection, const char *command, int count, const char *const *values) {
    return pq.exec_params(connection, command, count, NULL, values, NULL, NULL, 0);
}
int seer_pq_result_status(const seer_pg_result *result) { return pq.result_status(result); }
const char *seer_pq_result_error_message(const seer_pg_result *result) { return pq.result_error_message(result); }
const char *seer_pq_result_error_field(const seer_pg_result *result, int field) { return pq.result_error_field(result, field); }
void seer_pq_clear(seer_pg_result *result) { pq.clear(result); }
const char *seer_pq_cmd_tuples(seer_pg_result *result) { return pq.cmd_tuples(result); }
int seer_pq_ntuples(const seer_pg_result *result) { return pq.ntuples(result); }
int seer_pq_nfields(const seer_pg_result *result) { return pq.nfields(result); }
unsigned seer_pq_ftype(const seer_pg_result *result, int column) { return pq.ftype(result, column); }
const char *seer_pq_fname(const seer_pg_result *result, int column) { return pq.fname(result, column); }
int seer_pq_getisnull(const seer_pg_result *result, int row, int column) { return pq.getisnull(result, row, column); }
const char *seer_pq_getvalue(const seer_pg_result *result, int row, int column) { return pq.getvalue(result, row, column); }
