/* The paged GET lists. Every list handler had the same body (parse the
 * page, allocate the items, call the backend op, render each item, reply
 * {"data":[...],"next_cursor":...}); it lives here once so that the error
 * codes, the clipping to page->limit and the cursor rules cannot drift
 * between lists. */
#include <stdlib.h>

#include "api_internal.h"

int api_list_run(struct api_req *r, const struct api_page *page, const struct api_list *l,
		 const void *arg)
{
	char next[API_CURSOR_MAX] = "";
	unsigned char *arr = calloc(page->limit, l->item_size);
	size_t n = 0;
	int rc;

	if (!arr)
		return api_err(r, 500, "internal", "out of memory");
	rc = l->fetch(r, arg, page, arr, &n, next);
	if (rc) {
		api_err_errno(r, rc, l->what);
	} else {
		json_t *a = json_array();
		/* A backend that reports more than it was asked for is cut to
		 * the page: the array holds no more. */
		for (size_t i = 0; i < n && i < page->limit; i++)
			json_array_append_new(a, l->render(arr + i * l->item_size));
		api_ok(r, 200, api_list_json(a, next));
	}
	free(arr);
	return 0;
}

int api_list_send(struct api_req *r, const struct api_list *l, const void *arg)
{
	struct api_page page;

	if (api_page_from_query(r, &page))
		return 0;
	return api_list_run(r, &page, l, arg);
}
