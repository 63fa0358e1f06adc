/* HTTPS for real: a self-signed EC P-256 certificate made at test time with
 * mbedTLS (pk + x509write_crt) in a temporary folder, the server on
 * 127.0.0.1 port 0 with TLS, and libcurl trusting exactly that certificate
 * (CURLOPT_CAINFO). Also: plain HTTP to the TLS port fails, and bad key
 * material is a clear start error. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <mbedtls/bignum.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecp.h>
#include <mbedtls/entropy.h>
#include <mbedtls/pk.h>
#include <mbedtls/x509_crt.h>

#include "api/api.h"
#include "fake_backend.h"
#include "hal/log.h"

struct tls_env {
	char dir[64];
	char cert_path[96], key_path[96];
	char cert[4096], key[2048];
	struct fake_backend fb;
	struct api_backend be;
	struct api_server *srv;
	char log[512]; /* the last error line logged */
};

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* Key and self-signed certificate for CN=localhost (the test resolves
 * localhost to 127.0.0.1 with CURLOPT_RESOLVE). */
static void make_cert(struct tls_env *t)
{
	mbedtls_entropy_context ent;
	mbedtls_ctr_drbg_context drbg;
	mbedtls_pk_context pk;
	mbedtls_x509write_cert crt;
	mbedtls_mpi serial;

	mbedtls_entropy_init(&ent);
	mbedtls_ctr_drbg_init(&drbg);
	mbedtls_pk_init(&pk);
	mbedtls_x509write_crt_init(&crt);
	mbedtls_mpi_init(&serial);
	assert_int_equal(mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &ent,
					       (const unsigned char *)"api-https", 9),
			 0);
	assert_int_equal(mbedtls_pk_setup(&pk, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)), 0);
	assert_int_equal(mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(pk),
					     mbedtls_ctr_drbg_random, &drbg),
			 0);
	assert_int_equal(mbedtls_pk_write_key_pem(&pk, (unsigned char *)t->key, sizeof(t->key)), 0);
	mbedtls_x509write_crt_set_version(&crt, MBEDTLS_X509_CRT_VERSION_3);
	mbedtls_x509write_crt_set_md_alg(&crt, MBEDTLS_MD_SHA256);
	mbedtls_x509write_crt_set_subject_key(&crt, &pk);
	mbedtls_x509write_crt_set_issuer_key(&crt, &pk);
	assert_int_equal(mbedtls_x509write_crt_set_subject_name(&crt, "CN=localhost,O=smsrelay"),
			 0);
	assert_int_equal(mbedtls_x509write_crt_set_issuer_name(&crt, "CN=localhost,O=smsrelay"), 0);
	assert_int_equal(mbedtls_mpi_lset(&serial, 1), 0);
	assert_int_equal(mbedtls_x509write_crt_set_serial(&crt, &serial), 0);
	assert_int_equal(
	    mbedtls_x509write_crt_set_validity(&crt, "20200101000000", "20991231235959"), 0);
	assert_int_equal(mbedtls_x509write_crt_set_basic_constraints(&crt, 1, 0), 0);
	assert_int_equal(mbedtls_x509write_crt_set_subject_key_identifier(&crt), 0);
	assert_int_equal(mbedtls_x509write_crt_pem(&crt, (unsigned char *)t->cert, sizeof(t->cert),
						   mbedtls_ctr_drbg_random, &drbg),
			 0);
	mbedtls_mpi_free(&serial);
	mbedtls_x509write_crt_free(&crt);
	mbedtls_pk_free(&pk);
	mbedtls_ctr_drbg_free(&drbg);
	mbedtls_entropy_free(&ent);

	snprintf(t->dir, sizeof(t->dir), "/tmp/smsrelay-https-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->cert_path, sizeof(t->cert_path), "%s/cert.pem", t->dir);
	snprintf(t->key_path, sizeof(t->key_path), "%s/key.pem", t->dir);
	write_file(t->cert_path, t->cert);
	write_file(t->key_path, t->key);
}

static void on_log(void *arg, int level, const char *module, const char *instance, const char *msg)
{
	struct tls_env *t = arg;

	(void)module, (void)instance;
	if (level == LOG_LEVEL_ERR)
		snprintf(t->log, sizeof(t->log), "%s", msg);
}

static int setup(void **state)
{
	struct tls_env *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	make_cert(t);
	fake_backend_init(&t->fb);
	t->be.ops = &fake_backend_ops;
	t->be.ctx = &t->fb;
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct tls_env *t = *state;

	log_set_sink(NULL, NULL);
	api_server_stop(t->srv);
	fake_backend_fini(&t->fb);
	unlink(t->cert_path);
	unlink(t->key_path);
	rmdir(t->dir);
	free(t);
	return 0;
}

static size_t sink(char *p, size_t sz, size_t n, void *ud)
{
	(void)p, (void)ud;
	return sz * n;
}

/* GET url; returns curl's code and the HTTP status in *status. */
static CURLcode get(struct tls_env *t, const char *scheme, long *status)
{
	char url[128], resolve[64];
	struct curl_slist *res;
	CURL *c = curl_easy_init();
	CURLcode rc;
	unsigned port = api_server_port(t->srv);

	snprintf(url, sizeof(url), "%s://localhost:%u/health", scheme, port);
	snprintf(resolve, sizeof(resolve), "localhost:%u:127.0.0.1", port);
	res = curl_slist_append(NULL, resolve);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_RESOLVE, res);
	curl_easy_setopt(c, CURLOPT_CAINFO, t->cert_path);
	curl_easy_setopt(c, CURLOPT_CAPATH, NULL); /* only our certificate */
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L); /* a bound, not a wait */
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
	rc = curl_easy_perform(c);
	*status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	curl_easy_cleanup(c);
	curl_slist_free_all(res);
	return rc;
}

static void test_https_health(void **state)
{
	struct tls_env *t = *state;
	struct api_config cfg = {
	    .bind_addr = "127.0.0.1", .tls_cert_pem = t->cert, .tls_key_pem = t->key, .threads = 1};
	long status;
	CURLcode rc;

	assert_true(api_tls_supported());
	assert_int_equal(api_server_start(&t->srv, &cfg, &t->be), 0);
	assert_true(api_server_port(t->srv) > 0);
	rc = get(t, "https", &status);
	if (rc != CURLE_OK)
		fail_msg("https: %s", curl_easy_strerror(rc));
	assert_int_equal(status, 200);
	/* plain HTTP to the TLS port gets no HTTP answer */
	rc = get(t, "http", &status);
	assert_int_not_equal(rc, CURLE_OK);
	assert_int_equal(status, 0);
	/* and the server still serves HTTPS afterwards */
	assert_int_equal(get(t, "https", &status), CURLE_OK);
	assert_int_equal(status, 200);
}

static void expect_refused(struct tls_env *t, const char *cert, const char *key, const char *why)
{
	struct api_config cfg = {
	    .bind_addr = "127.0.0.1", .tls_cert_pem = cert, .tls_key_pem = key};
	struct api_server *s = NULL;

	t->log[0] = 0;
	assert_int_equal(api_server_start(&s, &cfg, &t->be), -EINVAL);
	assert_null(s);
	if (!strstr(t->log, why))
		fail_msg("logged '%s', want '%s'", t->log, why);
}

static void test_https_bad_key(void **state)
{
	struct tls_env *t = *state;
	char other[2048];

	log_set_sink(on_log, t);
	expect_refused(t, t->cert, NULL, "both a certificate and a key");
	expect_refused(t, t->cert, "", "both a certificate and a key");
	expect_refused(t, t->cert,
		       "-----BEGIN EC PRIVATE KEY-----\ngarbage\n-----END EC PRIVATE KEY-----\n",
		       "key is not a valid");
	expect_refused(t, t->cert, "not pem at all", "key is not a valid");
	expect_refused(t, "garbage", t->key, "certificate is not a valid");
	/* a well-formed key that is not the certificate's */
	memcpy(other, t->key, sizeof(other));
	unlink(t->cert_path);
	unlink(t->key_path);
	rmdir(t->dir);
	make_cert(t); /* a new folder; teardown removes it */
	expect_refused(t, t->cert, other, "does not match");
	log_set_sink(NULL, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_https_health, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_https_bad_key, setup, teardown),
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
