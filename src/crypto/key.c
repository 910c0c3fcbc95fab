#include <sys/stat.h>

#include <stdlib.h>
#include <string.h>

#include "crypto/key.h"
#include "crypto/spki.h"
#include "os/file.h"

static const char builtin_pem[] =
#include "sipgate_key.inc"
    ;

/* The same key with its Montgomery constants, computed at build time
 * (src/gen/keygen.c): a CGI process parses nothing. */
#include "sipgate_key_mont.inc"

/* The key file's text and its identity when it was read. */
static enum err load_file(const char *path, struct rsa_key *key,
    unsigned char fingerprint[SHA256_LEN], struct stat *st, struct fail *f)
{
	char why_read[100], *text;
	const char *why;
	size_t len;

	if ((text = file_read(path, SPKI_PEM_MAX, &len, st, why_read, sizeof why_read)) == NULL)
		return err_fail(f, ERR_CONFIG, "SIPGATE_PUBLIC_KEY %.200s: %s", path, why_read);
	why = spki_parse_pem(text, len, key, fingerprint);
	free(text);
	if (why)
		return err_fail(f, ERR_CONFIG, "SIPGATE_PUBLIC_KEY %.200s: %s", path, why);
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
			return err_fail(f, ERR_INTERNAL, "built-in key: %s", why);
		return ERR_OK;
	}
	return load_file(path, key, fingerprint, &st, f);
}

enum err key_get(const char *path, const struct rsa_key **key, struct fail *f)
{
	static struct rsa_key file;
	static char file_path[1024];
	static struct file_id file_id;
	struct stat st;
	enum err rc;

	if (path == NULL) {
		*key = &builtin_key;
		return ERR_OK;
	}
	if (file_path[0] && strcmp(path, file_path) == 0 &&
	    file_id_unchanged(&file_id, path)) {
		*key = &file;
		return ERR_OK;
	}
	file_path[0] = '\0';
	if ((rc = load_file(path, &file, NULL, &st, f)) != ERR_OK)
		return rc;
	file_id_set(&file_id, &st);
	if (strlen(path) < sizeof file_path)
		strcpy(file_path, path);
	*key = &file;
	return ERR_OK;
}
