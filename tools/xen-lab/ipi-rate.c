// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cross-CPU wake-ups per second inside one guest, for the lab's bench
 * scenario.
 *
 *   ipi-rate SECONDS
 *
 * Two threads, pinned to CPU 0 and CPU 1, pass a byte back and forth
 * through two pipes. Each waits in read() and its CPU goes idle, so every
 * pass wakes the other CPU with a reschedule IPI: one round trip is two
 * IPIs sent and taken. On a Xen HVM/PVH guest with the vector callback those
 * IPIs are event channels. Prints
 * "ipi-rate: ROUNDS round trips in S s, R per s, I IPIs per round trip,
 * U upcalls per round trip" (or "ipi-rate: failed ..."). I counts the
 * reschedule and call-function interrupts (/proc/interrupts rows named
 * resched* and callfunc*, the names arch/x86/xen/smp.c gives its IPI
 * channels), U the interrupts taken on Xen's upcall vector (the "HYP" row).
 * Two kernels with equal I and U but different R differ in the time a
 * wake-up takes, not in how many events and interrupts it costs.
 *
 * Built static by scripts/xen-evtchn/xen-lab.sh for the guest.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int to_peer[2], to_main[2];

static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/* CPU 1: send back every byte; a zero byte ends the game. */
static void *echo(void *arg)
{
	char c = 1;

	(void)arg;
	if (pin(1))
		return NULL;
	while (c && read(to_peer[0], &c, 1) == 1)
		if (write(to_main[1], &c, 1) != 1)
			break;
	return NULL;
}

/* The IPI channels' rows, and the "HYP" row (upcalls on the Xen vector). */
static bool is_ipi_row(const char *line)
{
	return strstr(line, "resched") || strstr(line, "callfunc");
}

static bool is_upcall_row(const char *line)
{
	return !strncmp(line + strspn(line, " "), "HYP:", 4);
}

/* Sum of every CPU's count on the /proc/interrupts rows that @want accepts. */
static unsigned long irqs_taken(bool (*want)(const char *line))
{
	FILE *f = fopen("/proc/interrupts", "r");
	unsigned long total = 0;
	char line[4096];

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long row = 0, n;
		char *p = strchr(line, ':'), *end;

		if (!p || !want(line))
			continue;
		for (p++;; p = end) {
			n = strtoul(p, &end, 10);
			if (end == p)
				break;
			row += n;
		}
		total += row;
	}
	fclose(f);
	return total;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 10, start, end;
	unsigned long rounds = 0, ipis, upcalls;
	pthread_t thread;
	char c = 1;

	if (pin(0) || pipe(to_peer) || pipe(to_main)) {
		printf("ipi-rate: failed: %s\n", strerror(errno));
		return 1;
	}
	if (pthread_create(&thread, NULL, echo, NULL)) {
		printf("ipi-rate: failed: no thread\n");
		return 1;
	}
	ipis = irqs_taken(is_ipi_row);
	upcalls = irqs_taken(is_upcall_row);
	start = now();
	end = start + secs;
	while (now() < end) {
		if (write(to_peer[1], &c, 1) != 1 || read(to_main[0], &c, 1) != 1) {
			printf("ipi-rate: failed: %s\n", strerror(errno));
			return 1;
		}
		rounds++;
	}
	c = 0;
	if (write(to_peer[1], &c, 1) == 1)
		pthread_join(thread, NULL);
	end = now();
	ipis = irqs_taken(is_ipi_row) - ipis;
	upcalls = irqs_taken(is_upcall_row) - upcalls;
	printf("ipi-rate: %lu round trips in %.1f s, %.0f per s, ", rounds, end - start,
	       rounds / (end - start));
	printf("%.2f IPIs per round trip, %.2f upcalls per round trip\n",
	       rounds ? (double)ipis / rounds : 0.0,
	       rounds ? (double)upcalls / rounds : 0.0);
	return 0;
}
