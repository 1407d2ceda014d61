/*
 * nfdump_run.c - start the `nfdump` program and stream its output (see
 * nfd_run() in nfdump.h).
 *
 * posix_spawnp() with an argv (no shell, so a directory name is never
 * interpreted), its environment copied with TZ=UTC and LC_ALL=C so times
 * and numbers print the same everywhere.  stdout and stderr are pipes read
 * with poll() in 64 KiB pieces: stdout goes to the caller as it comes,
 * stderr is kept up to the caller's buffer (nfdump reports damaged files
 * there while still exiting 0).  A run longer than timeout_s, or a stop
 * request (SIGINT/SIGTERM), kills the child: SIGTERM, then SIGKILL 2 s
 * later.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nfdump.h"

extern char **environ;

#define ENV_MAX 256

/* environ without TZ/LC_ALL, plus TZ=UTC and LC_ALL=C. */
static void
child_env(char **env, size_t max)
{
	size_t n = 0;

	for (char **e = environ; e && *e && n + 3 < max; e++)
		if (strncmp(*e, "TZ=", 3) != 0 && strncmp(*e, "LC_ALL=", 7) != 0)
			env[n++] = *e;
	env[n++] = (char *)"TZ=UTC";
	env[n++] = (char *)"LC_ALL=C";
	env[n] = NULL;
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* SIGTERM, then SIGKILL after 2 s; reaps the child. */
static void
child_kill(pid_t pid)
{
	int st;

	kill(pid, SIGTERM);
	for (int i = 0; i < 20; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return;
		usleep(100000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
}

static int
spawn(char *const argv[], pid_t *pid, int *out_fd, int *err_fd, char *err,
      size_t errlen)
{
	posix_spawn_file_actions_t fa;
	int po[2] = { -1, -1 }, pe[2] = { -1, -1 }, rc;
	char *env[ENV_MAX];

	if (pipe2(po, O_CLOEXEC) < 0 || pipe2(pe, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		goto out_close;
	}
	child_env(env, ENV_MAX);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, po[1], 1);
	posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
	rc = posix_spawnp(pid, argv[0], &fa, NULL, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		snprintf(err, errlen, "cannot run %s: %s%s", argv[0], strerror(rc),
			 rc == ENOENT ? " (is nfdump installed? Debian package "
			 "'nfdump')" : "");
		goto out_close;
	}
	close(po[1]);
	close(pe[1]);
	*out_fd = po[0];
	*err_fd = pe[0];
	return 0;

out_close:
	for (int i = 0; i < 2; i++) {
		if (po[i] >= 0)
			close(po[i]);
		if (pe[i] >= 0)
			close(pe[i]);
	}
	return -1;
}

int
nfd_run(char *const argv[], unsigned timeout_s, volatile sig_atomic_t *stop,
	void (*on_out)(void *ctx, const void *p, size_t n), void *ctx,
	char *errtext, size_t errtextlen, char *err, size_t errlen)
{
	static char buf[65536];
	struct pollfd pf[2];
	int64_t deadline;
	size_t elen = 0;
	pid_t pid;
	int st, open_fds = 2;

	if (errtextlen)
		errtext[0] = '\0';
	if (spawn(argv, &pid, &pf[0].fd, &pf[1].fd, err, errlen) < 0)
		return -1;
	pf[0].events = pf[1].events = POLLIN;
	deadline = now_ms() + (int64_t)timeout_s * 1000;
	while (open_fds > 0) {
		int64_t left = deadline - now_ms();

		if (left <= 0 || (stop && *stop)) {
			snprintf(err, errlen, "%s %s", argv[0], left <= 0 ?
				 "took longer than the time allowed (--nfdump-timeout)" :
				 "stopped by a signal");
			child_kill(pid);
			goto out_err;
		}
		if (poll(pf, 2, left < 200 ? (int)left : 200) < 0 && errno != EINTR) {
			snprintf(err, errlen, "poll: %s", strerror(errno));
			child_kill(pid);
			goto out_err;
		}
		for (int i = 0; i < 2; i++) {
			ssize_t n;

			if (pf[i].fd < 0 || !(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(pf[i].fd, buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				close(pf[i].fd);
				pf[i].fd = -1;
				open_fds--;
				continue;
			}
			if (i == 0) {
				on_out(ctx, buf, (size_t)n);
			} else if (elen + 1 < errtextlen) {
				size_t k = (size_t)n < errtextlen - 1 - elen ?
					   (size_t)n : errtextlen - 1 - elen;
				memcpy(errtext + elen, buf, k);
				elen += k;
				errtext[elen] = '\0';
			}
		}
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			snprintf(err, errlen, "waitpid: %s", strerror(errno));
			return -1;
		}
	if (WIFSIGNALED(st)) {
		snprintf(err, errlen, "%s killed by signal %d", argv[0], WTERMSIG(st));
		return -1;
	}
	return WEXITSTATUS(st);

out_err:
	for (int i = 0; i < 2; i++)
		if (pf[i].fd >= 0)
			close(pf[i].fd);
	return -1;
}
