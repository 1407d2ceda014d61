/*
 * notify.c - the night's mail through the local sendmail.
 *
 * The subject is an RFC 2047 encoded word sequence (UTF-8, base64 from
 * OpenSSL, cut at character boundaries so each word stays under 76
 * characters); the body is UTF-8 text sent as 8bit.  The program is run
 * with execv (no shell) and gets the message on its standard input.
 */
#include <errno.h>
#include <openssl/evp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "notify.h"

/* Append s to the growing buffer (*b, *n, *cap); -1 when out of memory. */
static int
put(char **b, size_t *n, size_t *cap, const char *s)
{
	size_t l = strlen(s);

	if (*n + l + 1 > *cap) {
		size_t nc = (*n + l + 1) * 2;
		char *nb = realloc(*b, nc);

		if (!nb)
			return -1;
		*b = nb;
		*cap = nc;
	}
	memcpy(*b + *n, s, l + 1);
	*n += l;
	return 0;
}

char *
notify_message(const struct notify_settings *nt, const char *subject, const char *body)
{
	char *b = NULL, date[64], enc[128], chunk[48];
	size_t n = 0, cap = 0, len = strlen(subject), i = 0;
	time_t now = time(NULL);
	struct tm tm;
	int rc = 0;

	localtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S %z", &tm);
	if (nt->from[0]) {
		rc |= put(&b, &n, &cap, "From: ");
		rc |= put(&b, &n, &cap, nt->from);
		rc |= put(&b, &n, &cap, "\n");
	}
	rc |= put(&b, &n, &cap, "To: ");
	for (size_t k = 0; k < nt->nto; k++) {
		rc |= put(&b, &n, &cap, k ? ", " : "");
		rc |= put(&b, &n, &cap, nt->to[k]);
	}
	rc |= put(&b, &n, &cap, "\nDate: ");
	rc |= put(&b, &n, &cap, date);
	rc |= put(&b, &n, &cap, "\nSubject:");
	while (i < len) {
		size_t take = len - i < 45 ? len - i : 45;

		/* never cut a UTF-8 character: back off continuation bytes */
		while (take > 1 && i + take < len && ((unsigned char)subject[i + take] & 0xc0) == 0x80)
			take--;
		memcpy(chunk, subject + i, take);
		for (size_t k = 0; k < take; k++)
			if (chunk[k] == '\r' || chunk[k] == '\n')
				chunk[k] = ' ';
		EVP_EncodeBlock((unsigned char *)enc, (const unsigned char *)chunk, (int)take);
		rc |= put(&b, &n, &cap, " =?UTF-8?B?");
		rc |= put(&b, &n, &cap, enc);
		rc |= put(&b, &n, &cap, "?=");
		i += take;
		if (i < len)
			rc |= put(&b, &n, &cap, "\n");	/* folded: the next line starts with a space */
	}
	rc |= put(&b, &n, &cap, "\nMIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n"
		  "Content-Transfer-Encoding: 8bit\nAuto-Submitted: auto-generated\n\n");
	rc |= put(&b, &n, &cap, body);
	if (n && b[n - 1] != '\n')
		rc |= put(&b, &n, &cap, "\n");
	if (rc) {
		free(b);
		return NULL;
	}
	return b;
}

int
notify_send(const struct notify_settings *nt, const char *msg, char *err, size_t errlen)
{
	char *const argv[] = { (char *)"sendmail", (char *)"-t", (char *)"-oi", NULL };
	int pfd[2], status = 0;
	size_t len = strlen(msg), off = 0;
	struct sigaction ign, old;
	pid_t pid;

	if (access(nt->sendmail, X_OK) < 0) {
		snprintf(err, errlen, "%s: %s", nt->sendmail, strerror(errno));
		return -1;
	}
	if (pipe(pfd) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0) {
		if (dup2(pfd[0], 0) < 0)
			_exit(127);
		close(pfd[0]);
		close(pfd[1]);
		alarm(60);
		execv(nt->sendmail, argv);
		_exit(127);
	}
	close(pfd[0]);
	/* a sendmail that exits early must not kill us with SIGPIPE */
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, &old);
	while (off < len) {
		ssize_t w = write(pfd[1], msg + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	close(pfd[1]);
	sigaction(SIGPIPE, &old, NULL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || off < len) {
		snprintf(err, errlen, "%s exited %s%d%s", nt->sendmail,
			 WIFSIGNALED(status) ? "on signal " : "with status ",
			 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status),
			 off < len ? " before it read the whole message" : "");
		return -1;
	}
	return 0;
}
