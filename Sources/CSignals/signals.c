// See csignals.h. A signal handler may only touch lock-free atomics, so this is C.
#define _GNU_SOURCE
#include "csignals.h"
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <time.h>

// A lock-free atomic, not a volatile sig_atomic_t: the handler runs on whichever thread the signal
// lands on while the command's loop reads the flag on another, and volatile does not order that
// (ThreadSanitizer reported it as a data race). Lock-free atomics are async-signal-safe.
static int stop_signal = 0;
_Static_assert(__atomic_always_lock_free(sizeof(int), 0), "the stop flag must be a lock-free atomic");

static void on_stop(int signal_number) { __atomic_store_n(&stop_signal, signal_number, __ATOMIC_SEQ_CST); }

void seer_install_stop_handlers(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_stop;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;  // no SA_RESTART: interrupt a blocking read
    sigaction(SIGTERM, &action, NULL);
    sigaction(SIGINT, &action, NULL);
    // A parent may spawn us with these blocked (Foundation's Process passes its threads' mask
    // on); a stop request must still arrive.
    sigset_t stops;
    sigemptyset(&stops);
    sigaddset(&stops, SIGTERM);
    sigaddset(&stops, SIGINT);
    sigprocmask(SIG_UNBLOCK, &stops, NULL);
}

int seer_stop_signal(void) { return __atomic_load_n(&stop_signal, __ATOMIC_SEQ_CST); }

int seer_wait_readable(int fd, int milliseconds) {
    // Block the stop signals, look at the flag, then wait with them unblocked: a signal that
    // came before the wait is pending and interrupts ppoll at once.
    sigset_t stops, previous;
    sigemptyset(&stops);
    sigaddset(&stops, SIGTERM);
    sigaddset(&stops, SIGINT);
    sigprocmask(SIG_BLOCK, &stops, &previous);
    int ready = 0;
    if (__atomic_load_n(&stop_signal, __ATOMIC_SEQ_CST) == 0) {
        struct pollfd watched = {.fd = fd, .events = POLLIN, .revents = 0};
        struct timespec timeout = {.tv_sec = milliseconds / 1000, .tv_nsec = (long)(milliseconds % 1000) * 1000000L};
        sigset_t waiting = previous;
        sigdelset(&waiting, SIGTERM);
        sigdelset(&waiting, SIGINT);
        ready = ppoll(&watched, 1, &timeout, &waiting) > 0;
    }
    sigprocmask(SIG_SETMASK, &previous, NULL);
    return ready;
}

int seer_poll_nanoseconds(struct pollfd *fds, unsigned long count, long long nanoseconds) {
    struct timespec timeout = {.tv_sec = (time_t)(nanoseconds / 1000000000LL), .tv_nsec = (long)(nanoseconds % 1000000000LL)};
    return ppoll(fds, (nfds_t)count, &timeout, NULL);
}
