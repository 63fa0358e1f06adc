/* Serial port discovery through libserialport: list ports with their USB ids
 * and resolve a board's port spec ("/dev/serial/by-id/...", "usb:VVVV:PPPP")
 * to a device path, so a board can name its modem by USB id instead of by a
 * ttyUSB number that changes across boots. Byte I/O is serial_termios.c. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libserialport.h>

#include "hal/log.h"
#include "hal/serial.h"

LOG_MODULE(log_serial_ports, "serial");

/* A parsed "usb:VVVV:PPPP[:SERIAL][#N]". */
struct serial_usb_spec {
	unsigned vid;
	unsigned pid;
	char serial[64]; /* "" matches any */
	unsigned index;
};

static void serial_copy(char *dst, size_t dst_len, const char *src)
{
	snprintf(dst, dst_len, "%s", src ? src : "");
}

static void serial_port_info(struct sp_port *port, struct hal_serial_port_info *info)
{
	memset(info, 0, sizeof(*info));
	serial_copy(info->path, sizeof(info->path), sp_get_port_name(port));
	serial_copy(info->description, sizeof(info->description), sp_get_port_description(port));
	if (sp_get_port_transport(port) != SP_TRANSPORT_USB)
		return;
	int vid = 0, pid = 0;
	if (sp_get_port_usb_vid_pid(port, &vid, &pid) == SP_OK) {
		info->usb_vid = (unsigned)vid;
		info->usb_pid = (unsigned)pid;
	}
	serial_copy(info->usb_serial, sizeof(info->usb_serial), sp_get_port_usb_serial(port));
}

/* All ports in a malloc'd array. Returns the count or -errno. */
static int serial_ports_all(struct hal_serial_port_info **out)
{
	struct sp_port **list = NULL;
	enum sp_return sr = sp_list_ports(&list);
	*out = NULL;
	if (sr != SP_OK) {
		LOG_WRN(&log_serial_ports, NULL, "sp_list_ports failed (%d)", (int)sr);
		return sr == SP_ERR_MEM ? -ENOMEM : -EIO;
	}
	size_t n = 0;
	while (list[n])
		n++;
	struct hal_serial_port_info *all = calloc(n ? n : 1, sizeof(*all));
	if (!all) {
		sp_free_port_list(list);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		serial_port_info(list[i], &all[i]);
	sp_free_port_list(list);
	*out = all;
	return n > INT_MAX ? INT_MAX : (int)n;
}

int hal_serial_list_ports(struct hal_serial_port_info *ports, size_t max)
{
	if (!ports && max > 0)
		return -EINVAL;
	struct hal_serial_port_info *all;
	int n = serial_ports_all(&all);
	if (n < 0)
		return n;
	size_t count = (size_t)n < max ? (size_t)n : max;
	if (count)
		memcpy(ports, all, count * sizeof(*all));
	free(all);
	return (int)count;
}

/* Parse 1-4 hex digits ending at a separator in seps (or the end). */
static int serial_parse_hex16(const char **s, const char *seps, unsigned *out)
{
	const char *p = *s;
	unsigned v = 0;
	size_t digits = 0;
	while (isxdigit((unsigned char)*p)) {
		if (++digits > 4)
			return -EINVAL;
		v = v * 16 + (unsigned)(isdigit((unsigned char)*p) ? *p - '0'
								   : tolower((unsigned char)*p) - 'a' + 10);
		p++;
	}
	if (digits == 0 || (*p && !strchr(seps, *p)))
		return -EINVAL;
	*out = v;
	*s = p;
	return 0;
}

static int serial_parse_usb(const char *spec, struct serial_usb_spec *u)
{
	memset(u, 0, sizeof(*u));
	const char *p = spec + strlen("usb:");
	if (serial_parse_hex16(&p, ":", &u->vid) < 0 || *p++ != ':')
		return -EINVAL;
	if (serial_parse_hex16(&p, ":#", &u->pid) < 0)
		return -EINVAL;
	if (*p == ':') {
		const char *end = strchr(++p, '#');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == 0 || len >= sizeof(u->serial))
			return -EINVAL;
		memcpy(u->serial, p, len);
		u->serial[len] = '\0';
		p += len;
	}
	if (*p == '#') {
		char *end;
		p++;
		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		errno = 0;
		unsigned long idx = strtoul(p, &end, 10);
		if (errno || *end || idx > 255)
			return -EINVAL;
		u->index = (unsigned)idx;
	} else if (*p) {
		return -EINVAL;
	}
	return 0;
}

static int serial_info_cmp(const void *a, const void *b)
{
	const struct hal_serial_port_info *x = a, *y = b;
	return strcmp(x->path, y->path);
}

static int serial_copy_path(char *path, size_t path_len, const char *found)
{
	if (strlen(found) >= path_len)
		return -ENAMETOOLONG;
	strcpy(path, found);
	return 0;
}

static int serial_resolve_usb(const char *spec, char *path, size_t path_len)
{
	struct serial_usb_spec u;
	if (serial_parse_usb(spec, &u) < 0)
		return -EINVAL;
	struct hal_serial_port_info *all;
	int n = serial_ports_all(&all);
	if (n < 0)
		return n;
	size_t match = 0;
	for (int i = 0; i < n; i++) {
		const struct hal_serial_port_info *p = &all[i];
		if (p->usb_vid != u.vid || p->usb_pid != u.pid || (u.vid == 0 && u.pid == 0))
			continue;
		if (u.serial[0] && strcmp(p->usb_serial, u.serial) != 0)
			continue;
		all[match++] = *p;
	}
	/* Interfaces of one modem enumerate in path order (ttyUSB0, 1, 2...). */
	qsort(all, match, sizeof(*all), serial_info_cmp);
	int rc = -ENOENT;
	if (u.index < match)
		rc = serial_copy_path(path, path_len, all[u.index].path);
	if (rc == -ENOENT)
		LOG_WRN(&log_serial_ports, NULL, "%s: %zu port(s) match, none at index %u",
			spec, match, u.index);
	free(all);
	return rc;
}

int hal_serial_resolve(const char *spec, char *path, size_t path_len)
{
	if (!spec || !*spec || !path || path_len == 0)
		return -EINVAL;
	if (strncmp(spec, "usb:", 4) == 0)
		return serial_resolve_usb(spec, path, path_len);
	char *real = realpath(spec, NULL);
	if (!real)
		return -errno;
	int rc = serial_copy_path(path, path_len, real);
	free(real);
	return rc;
}
