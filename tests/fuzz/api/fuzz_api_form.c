/* libFuzzer: the application/x-www-form-urlencoded decoder. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "api/api_form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct api_form f;

	if (api_form_decode((const char *)data, size, &f) == 0) {
		/* every decoded value is a NUL-free C string of value_len bytes */
		for (size_t i = 0; i < f.n; i++)
			if (strlen(f.pairs[i].value) != f.pairs[i].value_len)
				__builtin_trap();
		(void)api_form_get(&f, "Body");
	}
	api_form_free(&f);
	return 0;
}
