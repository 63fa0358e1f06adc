/* A hal_serial over the master side of a pseudo-terminal: how the modemsim
 * tool (and the pty benchmark) put a simulated modem where a real client
 * (smsrelayd, Gammu, minicom) opens a serial device.
 *
 * The slave side is put in raw mode (cfmakeraw) before anything is
 * written, and the backend keeps its own slave descriptor open so that the
 * master never sees a hang-up when a client closes the device: a client
 * may come and go, as with a real serial port. */
#ifndef SIMMODEM_PTY_H
#define SIMMODEM_PTY_H

#include <stddef.h>

struct hal_serial;

/* Create a new pty. Returns 0, or -errno of posix_openpt/grantpt/
 * unlockpt/tcsetattr, or -ENOMEM. Free with hal_serial_destroy. */
int simmodem_pty_new(struct hal_serial *out);
/* The slave device path ("/dev/pts/5"), or "" when closed. */
const char *simmodem_pty_path(const struct hal_serial *s);
/* Close the pty (clients see a hang-up) and create a fresh one (a new
 * path). Returns 0 or -errno; on error the port stays closed. */
int simmodem_pty_renew(struct hal_serial *s);
/* Point link at the slave path (atomically: a temporary symlink renamed
 * over link). Returns 0 or -errno. */
int simmodem_pty_link(const struct hal_serial *s, const char *link);

#endif
