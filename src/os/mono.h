/* mono: the monotonic clock as the program's bounds use it: a deadline
 * some milliseconds ahead, the milliseconds left until one, and now in
 * milliseconds.  The wall clock is the transport's (struct req's now). */
#ifndef MONO_H
#define MONO_H

#include <time.h>

/* A deadline ms milliseconds from now, and the milliseconds left until one
 * (0 or less once it has passed). */
void mono_deadline(struct timespec *deadline, long ms);
long mono_ms_left(const struct timespec *deadline);

/* Milliseconds since an arbitrary start, for comparing with each other. */
long long mono_now_ms(void);

#endif
