#include "os/clock.h"

void clock_deadline(struct timespec *deadline, long ms)
{
	clock_mono(deadline);
	deadline->tv_sec += ms / 1000;
	deadline->tv_nsec += (ms % 1000) * 1000000;
	if (deadline->tv_nsec >= 1000000000) {
		deadline->tv_sec++;
		deadline->tv_nsec -= 1000000000;
	}
}

long clock_ms_left(const struct timespec *deadline)
{
	struct timespec now;

	clock_mono(&now);
	return (long)(deadline->tv_sec - now.tv_sec) * 1000 +
	    (deadline->tv_nsec - now.tv_nsec) / 1000000;
}

long long clock_now_ms(void)
{
	struct timespec now;

	clock_mono(&now);
	return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

void clock_wall(struct timespec *now)
{
	if (clock_gettime(CLOCK_REALTIME, now) < 0)
		now->tv_sec = now->tv_nsec = 0;
}

/* CLOCK_MONOTONIC cannot fail on Linux for a valid pointer; the zero
 * keeps the value defined on a system where it could. */
void clock_mono(struct timespec *now)
{
	if (clock_gettime(CLOCK_MONOTONIC, now) < 0)
		now->tv_sec = now->tv_nsec = 0;
}
