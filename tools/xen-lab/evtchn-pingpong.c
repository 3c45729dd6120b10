// SPDX-License-Identifier: GPL-2.0-only
/*
 * Event-channel ping-pong between two domains through /dev/xen/evtchn,
 * for the lab's soak scenario (tools/xen-lab/dom0-run.sh, mode soak).
 *
 *   evtchn-pingpong echo DOMID IDLE_S
 *	Offers a port to DOMID and prints "LAB: pingpong port N" on stdout;
 *	answers every event with one notify. Ends after IDLE_S seconds
 *	without an event (3 * IDLE_S before the first one: an offer made
 *	just before a save is dead in the restored domain), printing
 *	"LAB: pingpong echo done EVENTS".
 *
 *   evtchn-pingpong ping DOMID PORT SECONDS
 *	Binds to DOMID's PORT and, for SECONDS, notifies and waits for the
 *	answer. An answer later than 1 s is counted as late (a vCPU coming
 *	online under emulation can take that long); one that has not come
 *	after 10 s is a lost wake-up: counted, then the next round starts
 *	with a new notify. Prints "pingpong: ROUNDS round trips in S s,
 *	R per s, LOST lost, LATE late, FAILED failed" and exits non-zero if
 *	anything was lost or failed.
 *
 * Built static by scripts/xen-evtchn/xen-lab.sh for dom0 and the guest.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

/* The uapi header uses Xen's type without defining it. */
typedef uint16_t domid_t;
#include <xen/evtchn.h>

#define LATE_MS		1000
#define LOST_MS		10000

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int open_evtchn(void)
{
	int fd = open("/dev/xen/evtchn", O_RDWR);

	if (fd < 0)
		perror("evtchn-pingpong: /dev/xen/evtchn");
	return fd;
}

/* Wait up to @ms for an event; 1 with the port unmasked again, 0, -1. */
static int wait_event(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint32_t port;
	int rc = poll(&p, 1, ms);

	if (rc <= 0)
		return rc;
	if (read(fd, &port, sizeof(port)) != sizeof(port))
		return -1;
	/* The device masks a port that fired until it is written back. */
	if (write(fd, &port, sizeof(port)) != sizeof(port))
		return -1;
	return 1;
}

static int notify(int fd, uint32_t port)
{
	struct ioctl_evtchn_notify n = { .port = port };

	return ioctl(fd, IOCTL_EVTCHN_NOTIFY, &n);
}

static int answer(unsigned int domid, int idle_s)
{
	struct ioctl_evtchn_bind_unbound_port bu = { .remote_domain = domid };
	unsigned long events = 0;
	int fd = open_evtchn(), port, rc;

	if (fd < 0)
		return 1;
	port = ioctl(fd, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &bu);
	if (port < 0) {
		perror("evtchn-pingpong: bind unbound port");
		return 1;
	}
	printf("LAB: pingpong port %d\n", port);
	fflush(stdout);
	for (;;) {
		rc = wait_event(fd, (events ? idle_s : 3 * idle_s) * 1000);
		if (rc <= 0)
			break;
		events++;
		if (notify(fd, port)) {
			perror("evtchn-pingpong: notify");
			break;
		}
	}
	printf("LAB: pingpong echo done %lu\n", events);
	close(fd);
	return 0;
}

static int ping(unsigned int domid, unsigned int remote_port, double secs)
{
	struct ioctl_evtchn_bind_interdomain bi = {
		.remote_domain = domid,
		.remote_port = remote_port,
	};
	unsigned long rounds = 0, lost = 0, late = 0, failed = 0;
	double t0, t = 0;
	int fd = open_evtchn(), port, rc;

	if (fd < 0)
		return 1;
	port = ioctl(fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &bi);
	if (port < 0) {
		perror("evtchn-pingpong: bind interdomain");
		return 1;
	}
	/* Binding raises the new port once on each side: let that pass. */
	wait_event(fd, 1000);
	t0 = now_s();
	do {
		if (notify(fd, port)) {
			failed++;
			break;
		}
		rc = wait_event(fd, LATE_MS);
		if (rc == 0) {
			late++;
			rc = wait_event(fd, LOST_MS - LATE_MS);
		}
		if (rc > 0)
			rounds++;
		else if (rc == 0)
			lost++;
		else
			failed++;
		t = now_s() - t0;
	} while (t < secs && failed == 0);
	printf("pingpong: %lu round trips in %.1f s, %.0f per s, %lu lost, %lu late, %lu failed\n",
	       rounds, t, t > 0 ? rounds / t : 0, lost, late, failed);
	close(fd);
	return lost || failed || !rounds;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "echo"))
		return answer(strtoul(argv[2], NULL, 0), atoi(argv[3]));
	if (argc == 5 && !strcmp(argv[1], "ping"))
		return ping(strtoul(argv[2], NULL, 0), strtoul(argv[3], NULL, 0),
			    atof(argv[4]));
	fprintf(stderr, "usage: %s echo DOMID IDLE_S | ping DOMID PORT SECONDS\n", argv[0]);
	return 2;
}
