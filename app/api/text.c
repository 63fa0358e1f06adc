/* Template rendering and the contact number choice. */
#include <errno.h>
#include <string.h>

#include "api/api_text.h"

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

int api_tpl_render(const char *tpl, const json_t *vars, char *out, size_t out_max,
		   char missing[40])
{
	size_t n = 0;

	missing[0] = 0;
	for (const char *p = tpl; *p;) {
		const char *add = p;
		size_t alen = 1;

		if (p[0] == '{' && p[1] == '{') {
			const char *s = p + 2, *e;
			char name[40];
			size_t nl;
			const json_t *v;

			while (*s == ' ')
				s++;
			for (e = s; name_char(*e); e++)
				;
			nl = (size_t)(e - s);
			while (*e == ' ')
				e++;
			if (nl == 0 || nl > 32 || e[0] != '}' || e[1] != '}')
				return -EINVAL;
			memcpy(name, s, nl);
			name[nl] = 0;
			v = vars ? json_object_get(vars, name) : NULL;
			if (!json_is_string(v)) {
				memcpy(missing, name, nl + 1);
				return -ENOENT;
			}
			add = json_string_value(v);
			alen = json_string_length(v);
			p = e + 2;
		} else {
			p++;
		}
		if (n + alen >= out_max)
			return -E2BIG;
		memcpy(out + n, add, alen);
		n += alen;
	}
	out[n] = 0;
	return (int)n;
}

int api_pick_number(const struct api_contact *c, const char *want_type)
{
	static const char *const order[] = { "business", "mobile" };

	if (want_type && *want_type) {
		for (size_t i = 0; i < c->n_numbers; i++)
			if (!c->numbers[i].do_not_text && strcmp(c->numbers[i].type, want_type) == 0)
				return (int)i;
		return -ENOENT;
	}
	for (size_t k = 0; k < 2; k++)
		for (size_t i = 0; i < c->n_numbers; i++)
			if (!c->numbers[i].do_not_text && strcmp(c->numbers[i].type, order[k]) == 0)
				return (int)i;
	return -ENOENT;
}
