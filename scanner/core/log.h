/*
 * log.h - leveled diagnostics on stderr with a subsystem tag.
 *
 * log_warn("sweep", "...") prints "heiiki: sweep: ...".  Info and debug
 * appear only with -v / -vv.  Nothing here exits: errors travel back to
 * main() as return codes.
 */
#ifndef HEIIKI_LOG_H
#define HEIIKI_LOG_H

enum log_level { LOG_QUIET = -1, LOG_WARN = 0, LOG_INFO = 1, LOG_DEBUG = 2 };

extern int log_level;

void log_msg(enum log_level lvl, const char *sub, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define log_warn(sub, ...) log_msg(LOG_WARN, sub, __VA_ARGS__)
#define log_info(sub, ...) log_msg(LOG_INFO, sub, __VA_ARGS__)
#define log_debug(sub, ...) log_msg(LOG_DEBUG, sub, __VA_ARGS__)

#endif
