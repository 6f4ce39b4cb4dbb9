# SPDX-License-Identifier: GPL-2.0-or-later
"""apt access for scripts/make-sample-dump: the host's own apt sources, or a
private apt configuration (own sources.list, lists and cache under
~/.cache/pykdump, nothing installed, the host's apt state untouched).

* Apt.host()                  apt as configured on this machine
* Apt.private(name, suites)   a private configuration of the Debian archive
                              this machine uses (its URI comes from the
                              host's sources, see pkutil.debian_archive_uri)
* newest_cloud_kernel(apt)    the newest linux-image-*-cloud-amd64 release
                              whose -dbg package is in the same suite
* Apt.download(pkgs, dir)     apt-get download
* Apt.download_closure(pkgs, dir)
                              the packages and everything they depend on, as
                              if nothing were installed (for a build root)

Standard library only; run with Debian's /usr/bin/python3.
"""

import functools
import glob
import os
import re
import shutil
import subprocess
import time

import pkutil
from pkutil import Fail, log

# Suites searched for the newest kernel: aliases, so that they follow
# Debian's releases.  experimental is left out on purpose: it carries
# release candidates (e.g. 7.3~rc7), not released kernels.
NEWEST_SUITES = ["stable", "stable-backports", "testing", "unstable"]
# Older kernels than the host's (e.g. 5.10 of bullseye, to check the tools
# on a kernel older than the sample's).
OLDER_SUITES = ["oldstable", "oldoldstable"]

# The lists of a private configuration are refreshed when older than this.
LISTS_MAX_AGE = 6 * 3600

CLOUD_IMAGE_RE = re.compile(r"^linux-image-([0-9][^ ]*-cloud-amd64)$")


def compare_versions(a, b):
    """Debian version order (dpkg --compare-versions): -1, 0 or 1."""
    if a == b:
        return 0
    r = subprocess.run(["dpkg", "--compare-versions", a, "lt", b])
    return -1 if r.returncode == 0 else 1


class Apt:
    """One apt configuration: OPTS are the -o options given to apt-get and
    apt-cache (empty for the host's own configuration)."""

    def __init__(self, name, opts, aptdir=None, suites=()):
        self.name, self.opts, self.aptdir = name, opts, aptdir
        self.suites = list(suites)

    # ------------------------------------------------------------ creation

    @classmethod
    def host(cls):
        return cls("host", ["-q", "-o", "APT::Sandbox::User=root"])

    @classmethod
    def private(cls, name, suites, max_age=LISTS_MAX_AGE):
        """A private configuration in ~/.cache/pykdump/apt-NAME for SUITES
        (main only) of the host's Debian archive; its package lists are
        fetched when missing or older than MAX_AGE seconds."""
        aptdir = os.path.join(pkutil.cache_dir(), f"apt-{name}")
        for sub in ("lists/partial", "cache/archives/partial"):
            os.makedirs(os.path.join(aptdir, sub), exist_ok=True)
        opts = [
            "-o", f"Dir::Etc::SourceList={aptdir}/sources.list",
            "-o", "Dir::Etc::SourceParts=/dev/null",
            "-o", "Dir::Etc::Preferences=/dev/null",
            "-o", "Dir::Etc::PreferencesParts=/dev/null",
            "-o", f"Dir::State::Lists={aptdir}/lists",
            "-o", "Dir::State::status=/dev/null",
            "-o", f"Dir::Cache={aptdir}/cache",
            "-o", "APT::Default-Release=",
            "-o", "APT::Sandbox::User=root",
            "-o", "Debug::NoLocking=1",
            "-o", "Acquire::Languages=none",
            "-q",
        ]
        apt = cls(name, opts, aptdir, suites)
        with pkutil.locked(aptdir + ".lock", f"apt configuration {name}"):
            apt._configure(max_age)
        return apt

    def _configure(self, max_age):
        uri = pkutil.debian_archive_uri()
        keyring = "/usr/share/keyrings/debian-archive-keyring.gpg"
        opt = f"signed-by={keyring}" if os.path.exists(keyring) \
            else "trusted=yes"
        text = "".join(f"deb [{opt}] {uri} {s} main\n" for s in self.suites)
        path = os.path.join(self.aptdir, "sources.list")
        old = open(path).read() if os.path.exists(path) else None
        stamp = os.path.join(self.aptdir, "lists", ".pykdump-updated")
        fresh = (old == text and os.path.exists(stamp)
                 and time.time() - os.path.getmtime(stamp) < max_age)
        if fresh:
            return
        pkutil.atomic_write(path, text)
        log(f"apt-get update for {' '.join(self.suites)} ({self.name}, "
            f"{uri})")
        r = subprocess.run(["apt-get"] + self.opts + ["update"],
                           capture_output=True, text=True)
        out = r.stdout + r.stderr
        if r.returncode != 0 or re.search(r"^(E|Err):", out, re.M):
            raise Fail(f"apt-get update ({self.name}: "
                       f"{' '.join(self.suites)}) failed:\n"
                       + out.strip()[-1500:])
        pkutil.atomic_write(stamp, time.strftime("%Y-%m-%dT%H:%M:%S%z\n"))

    # ------------------------------------------------------------- queries

    def _run(self, tool, args, **kw):
        return subprocess.run([tool] + self.opts + args, capture_output=True,
                              text=True, **kw)

    def search(self, regex):
        r = self._run("apt-cache", ["search", "--names-only", regex])
        return sorted({ln.split(" ", 1)[0] for ln in r.stdout.splitlines()
                       if ln.strip()})

    def madison(self, pkg):
        """[(version, suite)] of PKG's available versions."""
        return self.madison_many([pkg])[pkg]

    def madison_many(self, pkgs):
        """{pkg: [(version, suite)]} in one apt-cache run (each run loads
        the whole package cache, about a second)."""
        out = {p: [] for p in pkgs}
        if not pkgs:
            return out
        r = self._run("apt-cache", ["madison"] + list(pkgs))
        for ln in r.stdout.splitlines():
            f = [x.strip() for x in ln.split("|")]
            if len(f) >= 3 and f[0] in out:
                m = re.search(r"\s(\S+?)(?:/\S+)?\s+\S+\s+Packages$", f[2])
                out[f[0]].append((f[1], m.group(1) if m else "?"))
        return out

    def available(self, pkg):
        return bool(self.madison(pkg))

    def depends(self, pkg):
        """Package names in PKG's (candidate's) Depends and Pre-Depends,
        alternatives included."""
        r = self._run("apt-cache", ["show", "--no-all-versions", pkg])
        names = []
        for ln in r.stdout.splitlines():
            if ln.startswith(("Depends:", "Pre-Depends:")):
                for alt in re.split(r"[,|]", ln.split(":", 1)[1]):
                    alt = alt.strip()
                    if alt:
                        names.append(re.split(r"[\s:(]", alt)[0])
        return names

    # ----------------------------------------------------------- downloads

    def download(self, pkgs, dest):
        """apt-get download PKGS into DEST (through a temporary directory,
        so that DEST never holds a partial .deb)."""
        tmp = os.path.join(dest, ".download.tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        os.makedirs(tmp)
        r = self._run("apt-get", ["download"] + list(pkgs), cwd=tmp)
        if r.returncode != 0:
            shutil.rmtree(tmp, ignore_errors=True)
            raise Fail(f"apt-get download ({self.name}) {' '.join(pkgs)} "
                       f"failed:\n" + (r.stdout + r.stderr).strip()[-1200:])
        for f in os.listdir(tmp):
            os.replace(os.path.join(tmp, f), os.path.join(dest, f))
        shutil.rmtree(tmp, ignore_errors=True)

    def download_closure(self, pkgs, dest):
        """Download PKGS and their whole dependency closure (nothing counts
        as installed: Dir::State::status is empty) into DEST; returns the
        .deb paths."""
        if self.aptdir is None:
            raise Fail("a dependency closure needs a private apt "
                       "configuration (the host's dpkg status would hide "
                       "installed packages)")
        os.makedirs(dest, exist_ok=True)
        arch = os.path.join(self.aptdir, "cache", "archives")
        for old in glob.glob(os.path.join(arch, "*.deb")):
            os.unlink(old)
        r = self._run("apt-get", ["install", "--download-only", "-y",
                                  "--no-install-recommends"] + list(pkgs),
                      env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
        if r.returncode != 0:
            raise Fail(f"apt-get install --download-only ({self.name}) "
                       f"{' '.join(pkgs)} failed:\n"
                       + (r.stdout + r.stderr).strip()[-1500:])
        debs = []
        for f in sorted(glob.glob(os.path.join(arch, "*.deb"))):
            to = os.path.join(dest, os.path.basename(f))
            os.replace(f, to)
            debs.append(to)
        return debs


def newest_cloud_kernel(apt):
    """(release, version, suite) of the newest linux-image-R-cloud-amd64 for
    which linux-image-R-dbg exists in the same version and suite."""
    found = []
    dbgs = apt.search(r"^linux-image-[0-9].*-cloud-amd64-dbg$")
    images = [d[:-len("-dbg")] for d in dbgs]
    avail = apt.madison_many(dbgs + images)
    for dbg, image in zip(dbgs, images):
        m = CLOUD_IMAGE_RE.match(image)
        if not m:
            continue
        dbg_versions = set(avail[dbg])
        for version, suite in avail[image]:
            if (version, suite) in dbg_versions:
                found.append((m.group(1), version, suite))
    if not found:
        raise Fail(f"no linux-image-*-cloud-amd64 with a -dbg package in "
                   f"{' '.join(apt.suites) or apt.name}")
    found.sort(key=functools.cmp_to_key(
        lambda a, b: compare_versions(a[1], b[1])))
    log("cloud kernels with -dbg: " + ", ".join(
        f"{r} ({v}, {s})" for r, v, s in found))
    return found[-1]


def base_suite(suite):
    """trixie-backports -> trixie; unstable -> unstable."""
    return re.sub(r"-(backports|updates|proposed-updates|security)$", "",
                  suite)
