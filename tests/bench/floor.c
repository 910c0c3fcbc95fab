/* The cheapest correct CGI, the floor the benchmarks compare against: reads
 * CONTENT_LENGTH bytes of stdin and answers 204 No Content. */
#include <stdlib.h>
#include <unistd.h>

int main(void)
{
	static const char reply[] = "Status: 204 No Content\r\n\r\n";
	const char *v = getenv("CONTENT_LENGTH");
	char buf[65536];
	long left = v ? atol(v) : 0;
	ssize_t n;

	while (left > 0 && (n = read(0, buf, sizeof buf)) > 0)
		left -= n;
	return write(1, reply, sizeof reply - 1) == (ssize_t)(sizeof reply - 1) ? 0 : 1;
}
