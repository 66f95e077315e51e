// See csignals.h. A signal handler may only touch a volatile sig_atomic_t, so this is C.
#include "csignals.h"
#include <signal.h>
#include <string.h>

static volatile sig_atomic_t stop_signal = 0;

static void on_stop(int signal_number) { stop_signal = signal_number; }

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

int seer_stop_signal(void) { return (int)stop_signal; }
