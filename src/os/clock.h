/* clock: the only reader of the clocks.  The monotonic clock as the
 * program's bounds use it (a deadline some milliseconds ahead, the
 * milliseconds left until one, now in milliseconds) and the wall clock a
 * request is stamped with. */
#ifndef CLOCK_H
#define CLOCK_H

#include <time.h>

/* A deadline ms milliseconds from now, and the milliseconds left until one
 * (0 or less once it has passed). */
void clock_deadline(struct timespec *deadline, long ms);
long clock_ms_left(const struct timespec *deadline);

/* Milliseconds since an arbitrary start, for comparing with each other. */
long long clock_now_ms(void);

/* The wall-clock time; 1970's first instant if it cannot be read. */
void clock_wall(struct timespec *now);

/* The monotonic clock as it is, for a seed when nothing better is had. */
void clock_mono(struct timespec *now);

#endif
