/* HTTPS material checked with mbedTLS before libmicrohttpd (GnuTLS) sees
 * it, so a missing, garbled or mismatched key is a clear start error
 * instead of MHD_start_daemon's bare failure. */
#include <errno.h>
#include <string.h>

#include <mbedtls/error.h>
#include <mbedtls/pk.h>
#include <mbedtls/x509_crt.h>

#include "api_internal.h"
#include "hal/log.h"

LOG_MODULE(log_api_tls, "api");

static void tls_log(const char *what, int err)
{
	char buf[128];

	mbedtls_strerror(err, buf, sizeof(buf));
	LOG_ERR(&log_api_tls, NULL, "HTTPS %s: %s (-0x%04x)", what, buf, (unsigned)-err);
}

int api_tls_check(const char *cert_pem, const char *key_pem)
{
	mbedtls_x509_crt crt;
	mbedtls_pk_context key;
	int rc = -EINVAL, err;

	if (!cert_pem || !*cert_pem || !key_pem || !*key_pem) {
		LOG_ERR(&log_api_tls, NULL, "HTTPS needs both a certificate and a key (PEM text)");
		return -EINVAL;
	}
	mbedtls_x509_crt_init(&crt);
	mbedtls_pk_init(&key);
	/* PEM parsers want the terminating NUL counted in the length. */
	err = mbedtls_x509_crt_parse(&crt, (const unsigned char *)cert_pem, strlen(cert_pem) + 1);
	if (err) {
		tls_log("certificate is not a valid PEM X.509 certificate", err);
		goto out;
	}
	err = mbedtls_pk_parse_key(&key, (const unsigned char *)key_pem, strlen(key_pem) + 1, NULL,
				   0);
	if (err) {
		tls_log("key is not a valid unencrypted PEM private key", err);
		goto out;
	}
	err = mbedtls_pk_check_pair(&crt.pk, &key);
	if (err) {
		tls_log("key does not match the certificate", err);
		goto out;
	}
	rc = 0;
out:
	mbedtls_pk_free(&key);
	mbedtls_x509_crt_free(&crt);
	return rc;
}
