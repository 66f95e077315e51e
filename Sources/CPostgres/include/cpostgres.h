// libpq, PostgreSQL's client library, opened at run time. Seer links no PostgreSQL: a `postgres://`
// registry loads libpq.so.5 on first use, so the binary (the static one included) runs on machines
// without it and says what to install only when such a registry is asked for. The calls are libpq's,
// renamed seer_pq_*; connections and results are opaque; the status codes are libpq's stable ABI.
#ifndef SEER_CPOSTGRES_H
#define SEER_CPOSTGRES_H

typedef struct seer_pg_conn seer_pg_conn;
typedef struct seer_pg_result seer_pg_result;

/// ConnStatusType CONNECTION_OK, ExecStatusType PGRES_COMMAND_OK and PGRES_TUPLES_OK.
enum { SEER_PQ_CONNECTION_OK = 0, SEER_PQ_COMMAND_OK = 1, SEER_PQ_TUPLES_OK = 2 };

/// Opens libpq once per process. NULL when it is usable, else why not (static storage).
const char *seer_pq_load(void);

seer_pg_conn *seer_pq_connectdb(const char *conninfo);
int seer_pq_status(const seer_pg_conn *connection);
void seer_pq_finish(seer_pg_conn *connection);
const char *seer_pq_error_message(const seer_pg_conn *connection);
/// Drops the server's notices (e.g. "relation already exists, skipping") instead of printing them.
void seer_pq_silence_notices(seer_pg_conn *connection);
/// PQexecParams with text parameters and text results.
seer_pg_result *seer_pq_exec_params(seer_pg_conn *connection, const char *command, int count, const char *const *values);
int seer_pq_result_status(const seer_pg_result *result);
const char *seer_pq_result_error_message(const seer_pg_result *result);
const char *seer_pq_result_error_field(const seer_pg_result *result, int field);
void seer_pq_clear(seer_pg_result *result);
const char *seer_pq_cmd_tuples(seer_pg_result *result);
int seer_pq_ntuples(const seer_pg_result *result);
int seer_pq_nfields(const seer_pg_result *result);
unsigned seer_pq_ftype(const seer_pg_result *result, int column);
const char *seer_pq_fname(const seer_pg_result *result, int column);
int seer_pq_getisnull(const seer_pg_result *result, int row, int column);
const char *seer_pq_getvalue(const seer_pg_result *result, int row, int column);

#endif
