/* modemsim internals shared by main.c and control.c. */
#ifndef MODEMSIM_H
#define MODEMSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal/loop.h"
#include "hal/serial.h"

struct simmodem;
struct simnet;

#define MS_MAX_MODEMS 64
#define MS_MAX_CLIENTS 32
#define MS_LINE_MAX 8192

struct ms_client {
	int fd;
	char in[MS_LINE_MAX];
	size_t in_len;
	char *out;
	size_t out_len, out_off;
	char wait_line[MS_LINE_MAX]; /* a "wait" not yet satisfied */
	int64_t wait_deadline;
	bool waiting;
	bool closing;
};

struct ms_modem {
	struct simmodem *m;
	struct hal_serial port;
	char link[4096];
	struct modemsim *app;
	size_t index;
};

struct modemsim {
	struct hal_loop loop;
	struct simnet *net;
	struct ms_modem modems[MS_MAX_MODEMS];
	size_t n_modems;
	int listen_fd;
	char control[108];
	struct ms_client clients[MS_MAX_CLIENTS];
	hal_timer_id wait_timer;
	int sig_fd;
};

/* The control socket (control.c). */
int ms_control_open(struct modemsim *app, const char *path);
void ms_control_close(struct modemsim *app);

#endif
