/* Wiring: the store, the routing policy and the outbox (start-up step 1). */
#include "daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "hal/log.h"
#include "outbox/outbox.h"
#include "store/store.h"

LOG_MODULE(log_wstore, "smsrelayd");

static int store_hint(int rc, const char *path, char *err, size_t err_len)
{
	const char *hint = "";

	switch (rc) {
	case -ENOTSUP:
		hint = " (the database was written by a newer smsrelayd: install that "
		       "version again, or restore a backup)";
		break;
	case -EACCES:
	case -EPERM:
	case -EROFS:
		hint = " (the data directory must be writable by the daemon's user)";
		break;
	case -ENOSPC:
		hint = " (the disk is full)";
		break;
	case -EBUSY:
		hint = " (another smsrelayd uses this database?)";
		break;
	default:
		break;
	}
	snprintf(err, err_len, "store %s: %s%s", path, strerror(-rc), hint);
	return rc;
}

/* One daemon per data directory: a second one would run the crash rule on
 * messages the first is sending. The lock goes with the process. */
static int lock_data_dir(struct daemon *d, char *err, size_t err_len)
{
	char path[CONFIG_PATH_LEN + 32], pid[32] = "";
	int fd;

	snprintf(path, sizeof(path), "%s/smsrelayd.lock", d->set.data_dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0) {
		snprintf(err, err_len,
			 "%s: %s (the data directory must be writable by the "
			 "daemon's user)",
			 path, strerror(errno));
		return -errno;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		int e = errno;
		ssize_t n = pread(fd, pid, sizeof(pid) - 1, 0);
		pid[n > 0 ? n : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		close(fd);
		if (e == EWOULDBLOCK) {
			snprintf(err, err_len, "another smsrelayd (pid %s) uses %s: stop it first",
				 pid[0] ? pid : "?", d->set.data_dir);
			return -EBUSY;
		}
		snprintf(err, err_len, "%s: lock: %s", path, strerror(e));
		return -e;
	}
	int n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)n, 0) != n)
		LOG_WRN(&log_wstore, NULL, "%s: cannot write the pid", path);
	d->lock_fd = fd;
	return 0;
}

void wire_outbox_backoff(const struct config_outbox *co, struct routing_backoff_cfg *bo)
{
	*bo = (struct routing_backoff_cfg){
	    .base_ms = (int64_t)co->retry_base_s * 1000,
	    .max_ms = (int64_t)co->retry_max_s * 1000,
	    .floor_ms = (int64_t)co->retry_floor_s * 1000,
	    .max_attempts = co->max_attempts,
	};
}

int wire_store_start(struct daemon *d, char *err, size_t err_len)
{
	struct daemon_setup *s = &d->set;
	int64_t now = hal_clock_wall_ms(hal_loop_clock(&d->loop));
	char why[256];
	int rc;

	rc = daemon_data_dir_ensure(s->data_dir, err, err_len);
	if (rc == 0)
		rc = lock_data_dir(d, err, err_len);
	if (rc)
		return rc;
	struct store_opts so = {
	    .path = s->store_path,
	    .busy_timeout_ms = (int)s->cfg.store.busy_timeout_ms,
	    .full_check = s->cfg.store.full_check,
	    .now_ms = now,
	};
	rc = store_open(&d->store, &so);
	if (rc)
		return store_hint(rc, s->store_path, err, err_len);
	LOG_INF(&log_wstore, NULL, "store %s open (schema %d)", s->store_path,
		store_schema_version(d->store));

	d->sticky = calloc(DAEMON_STICKY_SLOTS, sizeof(*d->sticky));
	if (!d->sticky) {
		snprintf(err, err_len, "out of memory");
		return -ENOMEM;
	}
	rc = routing_init(&d->routing, &s->routing, d->sticky, DAEMON_STICKY_SLOTS, now, why,
			  sizeof(why));
	if (rc) {
		snprintf(err, err_len, "%s: routing: %s", s->cfg.source, why);
		return rc;
	}

	const struct config_outbox *co = &s->cfg.outbox;
	struct routing_backoff_cfg bo;
	wire_outbox_backoff(co, &bo);
	struct outbox_config oc = {
	    .store = d->store,
	    .loop = &d->loop,
	    .rng = &d->rng,
	    .backoff = &bo,
	    .routing = &d->routing,
	    .max_batch = co->batch_max,
	    .default_validity_s = co->validity_s,
	    .inbound_part_timeout_ms = (int64_t)co->inbound_part_timeout_s * 1000,
	};
	rc = wire_crm_new(d, &oc.observer, err, err_len);
	if (rc)
		return rc;
	rc = outbox_new(&d->outbox, &oc);
	if (rc) {
		snprintf(err, err_len, "outbox: %s", strerror(-rc));
		return rc;
	}
	wire_crm_set_outbox(d);
	return 0;
}

void wire_store_stop(struct daemon *d)
{
	/* The order crm.h asks for: the webhook worker, the outbox, crm, and
	 * the store last. */
	wire_crm_stop_worker(d);
	if (d->outbox) {
		outbox_destroy(d->outbox);
		d->outbox = NULL;
	}
	wire_crm_free(d);
	if (d->store) {
		/* Closing the last connection checkpoints the WAL and removes it. */
		store_close(d->store);
		d->store = NULL;
		LOG_INF(&log_wstore, NULL, "store closed");
	}
	free(d->sticky);
	d->sticky = NULL;
	if (d->lock_fd >= 0) {
		close(d->lock_fd); /* releases the lock; the file stays */
		d->lock_fd = -1;
	}
}

int wire_store_health(struct daemon *d)
{
	uint64_t depth;

	if (!d->store || !d->outbox)
		return -ENODEV;
	return store_queue_depth(d->store, &depth);
}

uint64_t wire_store_in_flight(struct daemon *d)
{
	struct outbox_metrics m;

	if (!d->outbox)
		return 0;
	outbox_metrics_get(d->outbox, &m);
	return m.in_flight;
}
