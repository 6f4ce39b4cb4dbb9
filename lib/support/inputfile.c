// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Input files (include/pykdump/inputfile.h).  The file is opened with
 * O_NONBLOCK, so that opening a FIFO returns at once instead of waiting
 * for a writer, and checked with fstat on the descriptor itself (no race
 * with a rename between a stat and the open).  Only then is O_NONBLOCK
 * cleared, for the reads that follow.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pykdump/inputfile.h>

static const char *kind_of(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISFIFO(mode))
		return "a FIFO (named pipe)";
	if (S_ISSOCK(mode))
		return "a socket";
	if (S_ISCHR(mode))
		return "a character device";
	return "not a regular file";
}

struct kd_error *kd_open_input(const char *path, const char *what, int *ret)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return kd_error_os(errno, path, "cannot open");
	struct stat st;
	struct kd_error *err = NULL;
	if (fstat(fd, &st) < 0)
		err = kd_error_os(errno, path, "cannot stat");
	else if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		err = kd_error_create(KD_ERR_INVALID,
				      "%s: is %s: a %s must be a regular file "
				      "or a block device", path,
				      kind_of(st.st_mode), what);
	else if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0)
		err = kd_error_os(errno, path, "cannot read");
	if (err) {
		close(fd);
		return err;
	}
	*ret = fd;
	return NULL;
}
