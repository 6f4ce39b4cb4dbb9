// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * crash-zygote.so: a fork server preloaded into crash by scripts/crash-ref.
 *
 * A crash session spends ~15 s of CPU starting (gdb reading the vmlinux's
 * symbols, crash reading the kernel's tables) before it runs a command, and
 * the test suite asks crash a few hundred batches.  crash reads its
 * commands with fgets(stdin); at the first such call it has finished
 * starting and has read no command yet.  There this shim stops and serves
 * a unix socket (CRASH_ZYGOTE_SOCK): for each client it forks, and the
 * child takes the client's three descriptors as its stdin, stdout and
 * stderr and returns into crash's fgets, which reads the client's batch as
 * a new crash process would.  The parent never runs a command, so every
 * child starts from the same state, and an answer does not depend on what
 * other batches ran.
 *
 * Children run at the same time, so each gets its own copy of what the
 * start-up left open: files are reopened (own offsets), unlinked temporary
 * files copied, and crash's pipes to itself replaced by new ones.
 *
 * Protocol: the client sends one byte with SCM_RIGHTS [stdin, stdout,
 * stderr]; the server answers "PID\n" (the child) and the connection ends
 * when the child exits.  The server exits after CRASH_ZYGOTE_IDLE seconds
 * without a client (default 120) or on SIGTERM, removing the socket.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static char sock_path[108];
static int idle_seconds = 120;
static int served;
static int in_child;

__attribute__((constructor)) static void zygote_init(void)
{
	const char *p = getenv("CRASH_ZYGOTE_SOCK");
	const char *idle = getenv("CRASH_ZYGOTE_IDLE");

	if (p && strlen(p) < sizeof(sock_path))
		strcpy(sock_path, p);
	if (idle && atoi(idle) > 0)
		idle_seconds = atoi(idle);
	/* crash's shell escapes (crash-ref's markers) must not load us. */
	unsetenv("LD_PRELOAD");
	unsetenv("CRASH_ZYGOTE_SOCK");
	unsetenv("CRASH_ZYGOTE_IDLE");
}

static void die(const char *what)
{
	fprintf(stderr, "crash-zygote: %s: %s\n", what, strerror(errno));
	fflush(stderr);
	_exit(125);
}

/* Put a new open file description of the same kind at FD, keeping its
 * descriptor flags. */
static void replace_fd(int fd, int newfd)
{
	int fdflags = fcntl(fd, F_GETFD);

	if (newfd < 0 || dup2(newfd, fd) < 0)
		die("replacing a descriptor");
	close(newfd);
	if (fdflags >= 0)
		fcntl(fd, F_SETFD, fdflags);
}

/* A private copy of the regular file open at FD (reopened by path, or,
 * when it was unlinked, copied into a new temporary file). */
static void private_file(int fd, const struct stat *st)
{
	char link[64], path[4096];
	int flags = fcntl(fd, F_GETFL);
	off_t off = lseek(fd, 0, SEEK_CUR);
	ssize_t n;
	int nfd;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n < 0)
		die("readlink of an open file");
	path[n] = 0;
	nfd = open(path, flags & (O_ACCMODE | O_APPEND | O_NONBLOCK));
	if (nfd >= 0) {
		struct stat nst;

		if (fstat(nfd, &nst) == 0 && nst.st_dev == st->st_dev &&
		    nst.st_ino == st->st_ino) {
			lseek(nfd, off, SEEK_SET);
			replace_fd(fd, nfd);
			return;
		}
		close(nfd);
	}
	/* Unlinked (crash's own temporary file): copy its contents. */
	char tmpl[] = "/tmp/crash-zygote-XXXXXX";
	char buf[65536];
	off_t pos = 0;

	nfd = mkstemp(tmpl);
	if (nfd < 0)
		die("a temporary file for a child");
	unlink(tmpl);
	while ((n = pread(fd, buf, sizeof(buf), pos)) > 0) {
		if (write(nfd, buf, n) != n)
			die("copying a temporary file");
		pos += n;
	}
	if (n < 0)
		die("reading a temporary file");
	fcntl(nfd, F_SETFL, flags & (O_APPEND | O_NONBLOCK));
	lseek(nfd, off, SEEK_SET);
	replace_fd(fd, nfd);
}

/* The child's own files and pipes (see the comment at the top).  KEEP is
 * the connection, left alone. */
static void privatize(int keep)
{
	struct { int fd; ino_t ino; int rd; } pipes[256];
	int np = 0;
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	if (!d)
		die("opendir /proc/self/fd");
	while ((e = readdir(d))) {
		int fd = atoi(e->d_name);
		struct stat st;

		if (e->d_name[0] == '.' || fd <= 2 || fd == keep ||
		    fd == dirfd(d) || fstat(fd, &st) < 0)
			continue;
		if (S_ISREG(st.st_mode))
			private_file(fd, &st);
		else if (S_ISFIFO(st.st_mode) && np < 256)
			pipes[np++] = (typeof(pipes[0])){ fd, st.st_ino,
				(fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDONLY };
	}
	closedir(d);
	/* A pipe with both ends open here is crash talking to itself: give
	 * the child a new one.  Pipes with one end here lead elsewhere. */
	for (int i = 0; i < np; i++) {
		if (!pipes[i].rd)
			continue;
		for (int j = 0; j < np; j++) {
			int p[2], avail = 0;

			if (pipes[j].rd || pipes[j].ino != pipes[i].ino)
				continue;
			if (ioctl(pipes[i].fd, FIONREAD, &avail) == 0 && avail)
				die("a pipe crash left data in");
			if (pipe(p) < 0)
				die("pipe");
			fcntl(p[0], F_SETFL, fcntl(pipes[i].fd, F_GETFL));
			fcntl(p[1], F_SETFL, fcntl(pipes[j].fd, F_GETFL));
			replace_fd(pipes[i].fd, p[0]);
			replace_fd(pipes[j].fd, p[1]);
			break;
		}
	}
}

static int recv_fds(int conn, int fds[3])
{
	char byte;
	struct iovec iov = { &byte, 1 };
	union {
		char buf[CMSG_SPACE(3 * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *c;

	if (recvmsg(conn, &msg, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_type != SCM_RIGHTS ||
	    c->cmsg_len != CMSG_LEN(3 * sizeof(int)))
		return -1;
	memcpy(fds, CMSG_DATA(c), 3 * sizeof(int));
	return 0;
}

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

/* Runs in the server until a child returns from here into crash. */
static void serve(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char tmp[sizeof(sock_path) + 16];
	struct sigaction term = { .sa_handler = on_term };
	int lfd;

	fflush(NULL);
	/* crash asks for a signal when its parent dies; the server outlives
	 * the crash-ref that started it. */
	prctl(PR_SET_PDEATHSIG, 0);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	snprintf(tmp, sizeof(tmp), "%s.%d", sock_path, (int)getpid());
	if (lfd < 0 || strlen(tmp) >= sizeof(sa.sun_path))
		die("socket");
	strcpy(sa.sun_path, tmp);
	unlink(tmp);
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(lfd, 64) < 0 || rename(tmp, sock_path) < 0)
		die(sock_path);
	signal(SIGCHLD, SIG_IGN);	/* children are reaped by the kernel */
	sigaction(SIGTERM, &term, NULL);
	signal(SIGINT, SIG_IGN);
	for (;;) {
		struct pollfd pfd = { lfd, POLLIN, 0 };
		int fds[3], conn;
		pid_t pid;
		int r = stop ? 0 : poll(&pfd, 1, idle_seconds * 1000);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			unlink(sock_path);
			_exit(0);
		}
		conn = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (conn < 0)
			continue;
		if (recv_fds(conn, fds) < 0) {
			close(conn);
			continue;
		}
		pid = fork();
		if (pid == 0) {
			close(lfd);
			signal(SIGCHLD, SIG_DFL);
			signal(SIGTERM, SIG_DFL);
			signal(SIGINT, SIG_DFL);
			for (int i = 0; i < 3; i++) {
				if (dup2(fds[i], i) < 0)
					die("dup2");
				close(fds[i]);
			}
			privatize(conn);
			clearerr(stdin);
			in_child = 1;
			return;		/* conn stays open until we exit */
		}
		if (pid > 0)
			dprintf(conn, "%d\n", (int)pid);
		for (int i = 0; i < 3; i++)
			close(fds[i]);
		close(conn);
	}
}

/* Only the calling thread survives fork(): a child would wait forever for
 * work handed to gdb's worker threads (seen: `mod -s` hung).  So the server
 * has crash's gdb end them before it forks, and each child has its gdb
 * start them again (gdb's default) before the client's first command. */
static const char no_threads[] = "gdb maint set worker-threads 0\n";
static const char threads_again[] =
	"gdb maint set worker-threads unlimited\n";

static int count_threads(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

char *fgets(char *s, int size, FILE *fp)
{
	static char *(*real)(char *, int, FILE *);

	if (!real)
		real = (char *(*)(char *, int, FILE *))dlsym(RTLD_NEXT, "fgets");
	if (fp == stdin && in_child) {
		in_child = 0;
		if (size > (int)sizeof(threads_again)) {
			memcpy(s, threads_again, sizeof(threads_again));
			return s;
		}
	}
	if (fp == stdin && sock_path[0] && served < 2) {
		if (served++ == 0 && size > (int)sizeof(no_threads)) {
			memcpy(s, no_threads, sizeof(no_threads));
			return s;	/* crash runs it, then asks again */
		}
		/* gdb 10 detaches its workers: they end soon after, not at
		 * once. */
		for (int i = 0; i < 1000 && count_threads() > 1; i++)
			usleep(10000);
		if (count_threads() != 1) {
			fprintf(stderr, "crash-zygote: crash still has %d threads; "
				"forking it is not safe\n", count_threads());
			_exit(125);
		}
		serve();
	}
	return real(s, size, fp);
}
