// libcurl, opened at run time, for the one HTTP client call Seer makes (Prometheus' query API).
// Seer links no libcurl (Foundation's URLSession would link it, and with it OpenSSL or GnuTLS), so
// the static binary starts anywhere and says what to install only when a prometheus: source is
// used. http and https both work wherever the system's libcurl does.
#ifndef SEER_CCURL_H
#define SEER_CCURL_H

#include <stddef.h>

/// Opens libcurl once per process. NULL when it is usable, else why not (static storage).
const char *seer_curl_load(void);

/// GET `url`, sending the NULL-terminated `headers` ("Name: value"), following no redirects to
/// other protocols, waiting at most `timeout_ms`, keeping at most `max_bytes` of body. Returns 0
/// with *body (free with seer_curl_free), *length and the HTTP *status; or non-zero with `error`
/// (of `error_size` bytes) saying why — a transport failure, or a body over `max_bytes`.
int seer_curl_get(const char *url, const char *const *headers, long timeout_ms, size_t max_bytes, char **body, size_t *length,
                  long *status, char *error, size_t error_size);

void seer_curl_free(void *pointer);

#endif
