// Big inputs for scripts/bounded-memory.sh, written fast enough for gigabytes: a long-layout CSV
// (100 interleaved series, one row a minute each, a slow sine) or a common-format access log
// (ten lines a second), up to SIZE bytes.   cc -O2 -o gen bounded-memory-input.c -lm
//   gen csv|log SIZE PATH
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: %s csv|log SIZE PATH\n", argv[0]); return 64; }
    long long size = (long long)atof(argv[2]), written = 0;
    FILE *out = fopen(argv[3], "w");
    if (!out) { perror(argv[3]); return 73; }
    static char buffer[1 << 22];
    setvbuf(out, buffer, _IOFBF, sizeof buffer);
    char line[256];
    if (strcmp(argv[1], "csv") == 0) {
        written += fprintf(out, "unique_id,timestamp,value\n");
        for (long long step = 0; written < size; step++) {
            long long stamp = 1600000000LL + 60 * step;
            double wave = 10 * sin(step / 240.0);
            for (int s = 0; s < 100; s++) written += fprintf(out, "s%d,%lld,%.3f\n", s, stamp, 50 + s + wave);
        }
    } else {
        const char *paths[] = {"/", "/api/items", "/login", "/static/app.js"};
        char stamp[64];
        for (long long k = 0; written < size; k++) {
            if (k % 10 == 0) {
                time_t t = 1700000000 + k / 10;
                strftime(stamp, sizeof stamp, "%d/%b/%Y:%H:%M:%S +0000", gmtime(&t));
            }
            int n = snprintf(line, sizeof line, "10.0.%lld.%lld - - [%s] \"GET %s HTTP/1.1\" %d %lld \"-\" \"curl/8\"\n",
                             k % 255, k % 7, stamp, paths[k % 4], k % 50 ? 200 : 500, 1000 + k % 5000);
            fwrite(line, 1, n, out);
            written += n;
        }
    }
    return fclose(out) == 0 ? 0 : 74;
}
