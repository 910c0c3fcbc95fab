#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "key.h"
#include "spki.h"

#define KEY_FILE_MAX SPKI_PEM_MAX

static const char builtin_pem[] =
#include "sipgate_key.inc"
    ;

/* The same key with its Montgomery constants, computed at build time
 * (src/gen/keygen.c): a CGI process parses nothing. */
#include "sipgate_key_mont.inc"

static long read_file(const char *path, char *out, size_t cap,
    struct stat *st)
{
	size_t got = 0;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) < 0)
		return -1;
	if (fstat(fd, st) < 0) {
		close(fd);
		return -1;
	}
	while (got < cap) {
		n = read(fd, out + got, cap - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (got == cap) {
		errno = EFBIG;
		return -1;
	}
	return (long)got;
}

/* The key file's text and its identity when it was read. */
static enum err load_file(const char *path, struct rsa_key *key,
    unsigned char fingerprint[SHA256_LEN], struct stat *st, struct fail *f)
{
	char text[KEY_FILE_MAX];
	const char *why;
	long len;

	if ((len = read_file(path, text, sizeof text, st)) < 0)
		return fail_set(f, ERR_CONFIG, "SIPGATE_PUBLIC_KEY %.200s: %s", path,
		    strerror(errno));
	if ((why = spki_parse_pem(text, (size_t)len, key, fingerprint)))
		return fail_set(f, ERR_CONFIG, "SIPGATE_PUBLIC_KEY %.200s: %s", path, why);
	return ERR_OK;
}

enum err key_load(const char *path, struct rsa_key *key,
    unsigned char fingerprint[SHA256_LEN], struct fail *f)
{
	struct stat st;
	const char *why;

	if (path == NULL) {
		why = spki_parse_pem(builtin_pem, sizeof builtin_pem - 1, key, fingerprint);
		if (why)
			return fail_set(f, ERR_INTERNAL, "built-in key: %s", why);
		return ERR_OK;
	}
	return load_file(path, key, fingerprint, &st, f);
}

static int same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	    a->st_size == b->st_size &&
	    a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	    a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	    a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
	    a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

enum err key_get(const char *path, const struct rsa_key **key, struct fail *f)
{
	static struct rsa_key file;
	static char file_path[1024];
	static struct stat file_st;
	struct stat st;
	enum err rc;

	if (path == NULL) {
		*key = &builtin_key;
		return ERR_OK;
	}
	if (file_path[0] && strcmp(path, file_path) == 0 && stat(path, &st) == 0 &&
	    same_file(&st, &file_st)) {
		*key = &file;
		return ERR_OK;
	}
	file_path[0] = '\0';
	if ((rc = load_file(path, &file, NULL, &file_st, f)) != ERR_OK)
		return rc;
	if (strlen(path) < sizeof file_path)
		strcpy(file_path, path);
	*key = &file;
	return ERR_OK;
}
