#include "signals.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "error.h"

volatile sig_atomic_t pt__interrupts;
static int self_pipe[2] = {-1, -1};

static void on_signal(int signo)
{
	int saved = errno;
	char byte = (char)signo;

	if (signo == SIGINT || signo == SIGTERM)
		pt__interrupts++;
	(void)!write(self_pipe[1], &byte, 1);
	errno = saved;
}

int pt__signals_install(struct pt__buf *err)
{
	static const int handled[] = {SIGINT, SIGTERM, SIGCHLD};
	struct sigaction action;

	if (self_pipe[0] < 0) {
		if (pipe(self_pipe)) {
			pt__buf_addf(err, "cannot install signal handlers: %s", strerror(errno));
			return PT__ERUN;
		}
		for (int i = 0; i < 2; i++) {
			fcntl(self_pipe[i], F_SETFD, FD_CLOEXEC);
			fcntl(self_pipe[i], F_SETFL, O_NONBLOCK);
		}
	}
	memset(&action, 0, sizeof(action));
	action.sa_handler = on_signal;
	action.sa_flags = SA_RESTART;
	sigemptyset(&action.sa_mask);
	for (size_t i = 0; i < sizeof(handled) / sizeof(handled[0]); i++) {
		if (sigaction(handled[i], &action, NULL)) {
			pt__buf_addf(err, "cannot install signal handlers: %s", strerror(errno));
			return PT__ERUN;
		}
	}
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

int pt__signals_fd(void)
{
	return self_pipe[0];
}

void pt__signals_drain(void)
{
	char bytes[64];

	while (read(self_pipe[0], bytes, sizeof(bytes)) > 0)
		;
}
