// SPDX-License-Identifier: GPL-2.0
/*
 * pkd-helper: the user-space half of pykdump's scenario dumps, linked
 * statically by scripts/make-sample-dump and run by the guest's init script.
 * It is one program installed under several names; the name it is run by
 * (argv[0], which is also the task's comm in the dump) picks the job:
 *
 *   pkd-oom-hog                 allocate and touch memory until the OOM
 *                               killer (panic_on_oom=1) panics the machine
 *   pkd-sleeper N               N child processes that sleep in pause()
 *   pkd-files N DIR             create N files in DIR and hold them open
 *   pkd-tcp N PORT              listen on 127.0.0.1:PORT, connect N clients
 *                               to it and accept them: 2N+1 TCP sockets
 *   pkd-ipc                     System V IPC objects: shared memory
 *                               segments (one attached, one attached and
 *                               removed), semaphore sets, message queues
 *                               with messages
 *
 * The holders (all but the hog) set up in the foreground and then detach:
 * the command returns once everything is in place, and a background
 * process keeps it.  What was set up is written to /dev/kmsg as
 * "PYKDUMP-SCENARIO: key=value" lines, like the kernel module's, so that it
 * is both on the console and in the dump's kernel log.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *prog;
static int ready_fd = -1;

static void fact(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int fd, n;

	n = snprintf(buf, sizeof(buf), "PYKDUMP-SCENARIO: ");
	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(buf) - 1)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	fd = open("/dev/kmsg", O_WRONLY);
	if (fd < 0 || write(fd, buf, n) != n)
		fprintf(stderr, "%s: /dev/kmsg: %s", prog, strerror(errno));
	if (fd >= 0)
		close(fd);
}

static void __attribute__((noreturn)) die(const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", prog, what, strerror(errno));
	fact("%s.error=%s: %s", prog, what, strerror(errno));
	exit(1);
}

/* Fork; the parent waits until the child calls ready() and exits with 0
 * (or 1 when the child died first). */
static void detach(void)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe(p))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid > 0) {
		close(p[1]);
		_exit(read(p[0], &c, 1) == 1 ? 0 : 1);
	}
	close(p[0]);
	ready_fd = p[1];
}

static void ready(void)
{
	if (write(ready_fd, "r", 1) != 1)
		die("ready pipe");
	close(ready_fd);
	ready_fd = -1;
}

static void __attribute__((noreturn)) sleep_forever(void)
{
	for (;;)
		pause();
}

static long number(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (!*s || *end || n < 0) {
		fprintf(stderr, "%s: bad number '%s'\n", prog, s);
		exit(2);
	}
	return n;
}

static int oom_hog(void)
{
	const size_t chunk = 4 << 20;
	size_t total = 0;

	fact("oom.comm=%s", prog);
	fact("oom.pid=%d", (int)getpid());
	for (;;) {
		char *p = mmap(NULL, chunk, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			die("mmap");
		for (size_t i = 0; i < chunk; i += 4096)
			p[i] = 1;
		total += chunk;
		if (total % (64 << 20) == 0)
			printf("%s: %zu MB\n", prog, total >> 20);
	}
	return 0;
}

static int sleepers(long n)
{
	detach();
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (pid == 0) {
			close(ready_fd);
			sleep_forever();
		}
	}
	fact("sleeper.count=%ld", n);
	fact("sleeper.parent_pid=%d", (int)getpid());
	ready();
	sleep_forever();
}

static int files(long n, const char *dir)
{
	struct rlimit rl = { .rlim_cur = n + 64, .rlim_max = n + 64 };
	char path[4096];

	detach();
	if (setrlimit(RLIMIT_NOFILE, &rl))
		die("setrlimit RLIMIT_NOFILE");
	for (long i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/f%05ld", dir, i);
		if (open(path, O_RDWR | O_CREAT, 0644) < 0)
			die(path);
	}
	fact("files.count=%ld", n);
	fact("files.pid=%d", (int)getpid());
	ready();
	sleep_forever();
}

static int tcp(long n, long port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct rlimit rl = { .rlim_cur = 2 * n + 64, .rlim_max = 2 * n + 64 };
	int one = 1, lfd;

	detach();
	if (setrlimit(RLIMIT_NOFILE, &rl))
		die("setrlimit RLIMIT_NOFILE");
	sa.sin_port = htons(port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0)
		die("socket");
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)))
		die("bind");
	if (listen(lfd, n + 16))
		die("listen");
	for (long i = 0; i < n; i++) {
		int c = socket(AF_INET, SOCK_STREAM, 0);

		if (c < 0)
			die("socket");
		if (connect(c, (struct sockaddr *)&sa, sizeof(sa)))
			die("connect");
		if (accept(lfd, NULL, NULL) < 0)
			die("accept");
	}
	fact("tcp.port=%ld", port);
	fact("tcp.connections=%ld", n);
	fact("tcp.pid=%d", (int)getpid());
	ready();
	sleep_forever();
}

/* What `ipcs` lists: keys 0x706b6400 + i (or private), distinct sizes,
 * modes and counts, so that every column of crash's ipcs differs. */
static int ipc(void)
{
	static const size_t shm_size[] = { 4096, 3 * 4096 + 100, 1 << 20 };
	static const int nsems[] = { 1, 4, 16 };
	struct { long mtype; char text[64]; } msg;
	int id;

	detach();
	for (int i = 0; i < 3; i++) {
		key_t key = i == 2 ? IPC_PRIVATE : 0x706b6400 + i;

		id = shmget(key, shm_size[i], IPC_CREAT | 0600 | (i << 3));
		if (id < 0)
			die("shmget");
		if (i > 0) {
			char *p = shmat(id, NULL, 0);

			if (p == (void *)-1)
				die("shmat");
			memset(p, 'a' + i, 4096);
		}
		if (i == 2 && shmctl(id, IPC_RMID, NULL))
			die("shmctl IPC_RMID");
		fact("ipc.shm%d=%d", i, id);
	}
	for (int i = 0; i < 3; i++) {
		id = semget(0x706b6500 + i, nsems[i], IPC_CREAT | 0640);
		if (id < 0)
			die("semget");
		fact("ipc.sem%d=%d", i, id);
	}
	for (int i = 0; i < 2; i++) {
		id = msgget(0x706b6600 + i, IPC_CREAT | 0666);
		if (id < 0)
			die("msgget");
		for (int m = 0; m < 3 * i; m++) {
			msg.mtype = m + 1;
			snprintf(msg.text, sizeof(msg.text), "pykdump message %d",
				 m);
			if (msgsnd(id, &msg, strlen(msg.text) + 1, IPC_NOWAIT))
				die("msgsnd");
		}
		fact("ipc.msg%d=%d", i, id);
	}
	fact("ipc.pid=%d", (int)getpid());
	ready();
	sleep_forever();
}

int main(int argc, char **argv)
{
	prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	setvbuf(stdout, NULL, _IONBF, 0);
	if (!strcmp(prog, "pkd-oom-hog") && argc == 1)
		return oom_hog();
	if (!strcmp(prog, "pkd-sleeper") && argc == 2)
		return sleepers(number(argv[1]));
	if (!strcmp(prog, "pkd-files") && argc == 3)
		return files(number(argv[1]), argv[2]);
	if (!strcmp(prog, "pkd-tcp") && argc == 3)
		return tcp(number(argv[1]), number(argv[2]));
	if (!strcmp(prog, "pkd-ipc") && argc == 1)
		return ipc();
	fprintf(stderr, "usage: pkd-oom-hog | pkd-sleeper N | pkd-files N DIR"
		" | pkd-tcp N PORT | pkd-ipc\n");
	return 2;
}
