// libcurl through dlopen (see include/ccurl.h). curl's option and info numbers are its stable
// ABI (curl.h: CURLOPT_* = type base + number), written out here since no curl header is needed
// to build Seer.
#include "ccurl.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    OPT_WRITEDATA = 10001, OPT_URL = 10002, OPT_ERRORBUFFER = 10010, OPT_HTTPHEADER = 10023, OPT_ACCEPT_ENCODING = 10102,
    OPT_WRITEFUNCTION = 20011, OPT_FOLLOWLOCATION = 52, OPT_NOSIGNAL = 99, OPT_TIMEOUT_MS = 155, OPT_CONNECTTIMEOUT_MS = 156,
    OPT_PROTOCOLS = 181, OPT_REDIR_PROTOCOLS = 182,
    INFO_RESPONSE_CODE = 0x200002,
    PROTO_HTTP_HTTPS = 1 | 2,
    GLOBAL_DEFAULT = 3,
    CURL_ERROR_SIZE = 256,
};

static struct {
    int (*global_init)(long);
    void *(*easy_init)(void);
    int (*easy_setopt)(void *, int, ...);
    int (*easy_perform)(void *);
    int (*easy_getinfo)(void *, int, ...);
    void (*easy_cleanup)(void *);
    const char *(*easy_strerror)(int);
    void *(*slist_append)(void *, const char *);
    void (*slist_free_all)(void *);
} api;

static const char *load_error = NULL;
static pthread_once_t once = PTHREAD_ONCE_INIT;

#define BIND(field, symbol)                                                                                              \
    do {                                                                                                                 \
        *(void **)&api.field = dlsym(lib, symbol);                                                                       \
        if (api.field == NULL) { load_error = "libcurl lacks " symbol "; install a current libcurl4"; return; }           \
    } while (0)

static void load(void) {
    const char *names[] = {"libcurl.so.4", "libcurl-gnutls.so.4", "libcurl-nss.so.4", "libcurl.so"};
    void *lib = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && lib == NULL; i++) lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        load_error = "libcurl.so.4 (the HTTP client library) not found; install it (Debian: apt-get install libcurl4) "
                     "to read from Prometheus";
        return;
    }
    BIND(global_init, "curl_global_init");
    BIND(easy_init, "curl_easy_init");
    BIND(easy_setopt, "curl_easy_setopt");
    BIND(easy_perform, "curl_easy_perform");
    BIND(easy_getinfo, "curl_easy_getinfo");
    BIND(easy_cleanup, "curl_easy_cleanup");
    BIND(easy_strerror, "curl_easy_strerror");
    BIND(slist_append, "curl_slist_append");
    BIND(slist_free_all, "curl_slist_free_all");
    // Once, before any other thread uses curl: curl_global_init is not thread-safe.
    if (api.global_init(GLOBAL_DEFAULT) != 0) load_error = "libcurl failed to initialise";
}

const char *seer_curl_load(void) {
    pthread_once(&once, load);
    return load_error;
}

struct sink { char *data; size_t length, capacity, limit; int overflowed; };

static size_t write_body(char *chunk, size_t size, size_t count, void *context) {
    struct sink *sink = context;
    size_t bytes = size * count;
    if (sink->length + bytes > sink->limit) { sink->overflowed = 1; return 0; }  // curl stops with a write error
    if (sink->length + bytes + 1 > sink->capacity) {
        size_t capacity = sink->capacity ? sink->capacity : 65536;
        while (capacity < sink->length + bytes + 1) capacity *= 2;
        char *grown = realloc(sink->data, capacity);
        if (grown == NULL) { sink->overflowed = 1; return 0; }
        sink->data = grown;
        sink->capacity = capacity;
    }
    memcpy(sink->data + sink->length, chunk, bytes);
    sink->length += bytes;
    return bytes;
}

int seer_curl_get(const char *url, const char *const *headers, long timeout_ms, size_t max_bytes, char **body, size_t *length,
                  long *status, char *error, size_t error_size) {
    const char *why = seer_curl_load();
    if (why != NULL) { snprintf(error, error_size, "%s", why); return 1; }
    void *curl = api.easy_init();
    if (curl == NULL) { snprintf(error, error_size, "libcurl could not start a request"); return 1; }
    void *list = NULL;
    for (const char *const *header = headers; header && *header; header++) list = api.slist_append(list, *header);
    char detail[CURL_ERROR_SIZE] = {0};
    struct sink sink = {NULL, 0, 0, max_bytes, 0};
    api.easy_setopt(curl, OPT_URL, url);
    api.easy_setopt(curl, OPT_HTTPHEADER, list);
    api.easy_setopt(curl, OPT_WRITEFUNCTION, write_body);
    api.easy_setopt(curl, OPT_WRITEDATA, &sink);
    api.easy_setopt(curl, OPT_ERRORBUFFER, detail);
    api.easy_setopt(curl, OPT_NOSIGNAL, 1L);  // no SIGALRM for timeouts: Seer is multi-threaded
    api.easy_setopt(curl, OPT_TIMEOUT_MS, timeout_ms);
    api.easy_setopt(curl, OPT_CONNECTTIMEOUT_MS, timeout_ms);
    api.easy_setopt(curl, OPT_PROTOCOLS, (long)PROTO_HTTP_HTTPS);
    api.easy_setopt(curl, OPT_REDIR_PROTOCOLS, (long)PROTO_HTTP_HTTPS);
    api.easy_setopt(curl, OPT_FOLLOWLOCATION, 1L);
    api.easy_setopt(curl, OPT_ACCEPT_ENCODING, "");  // whatever compression this libcurl can decode
    int result = api.easy_perform(curl);
    long code = 0;
    api.easy_getinfo(curl, INFO_RESPONSE_CODE, &code);
    api.easy_cleanup(curl);
    if (list) api.slist_free_all(list);
    if (result != 0) {
        if (sink.overflowed) snprintf(error, error_size, "the answer is larger than %zu bytes", max_bytes);
        else snprintf(error, error_size, "%s", detail[0] ? detail : api.easy_strerror(result));
        free(sink.data);
        return 1;
    }
    *body = sink.data;
    *length = sink.length;
    *status = code;
    return 0;
}

void seer_curl_free(void *pointer) { free(pointer); }
