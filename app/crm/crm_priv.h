/* Internals shared by the crm files. */
#ifndef CRM_PRIV_H
#define CRM_PRIV_H

#include <pthread.h>

#include "crm/crm.h"
#include "store/store_crm.h"

struct crm {
	struct crm_config cfg;
	struct api_backend_ops ops;
	pthread_mutex_t mu;           /* guards outbox and notify */
	struct outbox *outbox;
	void (*notify)(void *arg);
	void *notify_arg;
};

int64_t crm_now(struct crm *c);
struct outbox *crm_outbox(struct crm *c);
void crm_notify(struct crm *c);

/* Cursors are the decimal id of the last row of the previous page. */
int crm_cursor_parse(const char *cursor, uint64_t *id);
void crm_cursor_make(bool more, uint64_t last_id, char *next_cursor);
/* A list op of the api_backend over a store list (crm_backend.c): the
 * store's rows (row_size bytes, the uint64_t id at id_off) become API
 * items (item_size bytes) through to_api. fetch runs the store's list with arg (the op's
 * filter) from key, the id of the previous page's last row (0 = start). */
struct crm_list {
	size_t row_size;
	size_t id_off;
	size_t item_size;
	int (*fetch)(struct crm *c, const void *arg, uint64_t key, void *rows, size_t max,
		     size_t *n, bool *more);
	void (*to_api)(const void *row, void *item);
};
/* One page: -EINVAL for a bad cursor or limit, -ENOMEM, or the fetch's
 * -errno; else 0 with *n items in out and next_cursor set. */
int crm_list_page(struct crm *c, const struct crm_list *l, const void *arg,
		  const struct api_page *page, void *out, size_t *n, char *next_cursor);
/* Copy that refuses what does not fit (-EINVAL). */
int crm_cp(char *dst, size_t len, const char *src);

/* The op tables of each file. */
void crm_ops_admin(struct api_backend_ops *ops);   /* crm_backend.c */
void crm_ops_msgs(struct api_backend_ops *ops);    /* crm_msgs.c */
void crm_ops_contacts(struct api_backend_ops *ops); /* crm_contacts.c */
void crm_ops_hooks(struct api_backend_ops *ops);   /* crm_hooks.c */
/* Register / remove the store's payload builder (crm_hooks.c). */
void crm_hooks_attach(struct crm *c);
void crm_hooks_detach(struct crm *c);

/* store message -> API message (crm_msgs.c). */
void crm_msg_to_api(const struct store_msg *s, struct api_msg *a);
int crm_msg_get(struct crm *c, uint64_t id, struct api_msg *out);

#endif
