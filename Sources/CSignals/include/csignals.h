// Graceful stops for long-running commands (`seer detect --stream`): SIGTERM and SIGINT set a
// flag the command polls between rows, instead of killing it mid-write. The handlers are
// installed without SA_RESTART, so a blocking read of stdin returns (EINTR) and the command can
// save its state and exit.
#ifndef SEER_CSIGNALS_H
#define SEER_CSIGNALS_H

/// Installs the SIGTERM and SIGINT handlers.
void seer_install_stop_handlers(void);

/// The signal that asked the process to stop (SIGTERM or SIGINT), or 0 when none did.
int seer_stop_signal(void);

/// Waits until `fd` can be read, a stop signal arrives, or `milliseconds` pass; 1 when readable.
/// The signal mask is swapped atomically with the wait (ppoll), so a stop request that arrives
/// just before waiting is not lost until the next byte comes.
int seer_wait_readable(int fd, int milliseconds);

struct pollfd;

/// poll(2) with a timeout in nanoseconds (ppoll), for waits shorter than a millisecond.
int seer_poll_nanoseconds(struct pollfd *fds, unsigned long count, long long nanoseconds);

#endif
