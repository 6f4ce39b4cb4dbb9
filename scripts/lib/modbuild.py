# SPDX-License-Identifier: GPL-2.0-or-later
"""Build the scenario kernel module and the static user-space helper for
scripts/make-sample-dump --scenario.

The module (scripts/scenario-module/pykdump_scenario.c) is built with the
guest kernel's own kbuild from Debian's linux-headers-R package, which
depends on linux-headers-*-common and linux-kbuild-*; those are downloaded
with apt-get download and unpacked privately, never installed.  Two ways:

* on the host, when the host has the compiler the kernel was built with
  (CONFIG_CC_VERSION_TEXT, e.g. gcc-12 for bookworm's 6.1) and the prebuilt
  kbuild programs (fixdep, modpost) run on the host's C library.  The
  headers go to ~/.cache/pykdump/headers-R; the absolute /usr/src paths in
  their top Makefile are pointed there.
* otherwise in a chroot: ~/.cache/pykdump/buildroot-R is the dependency
  closure of linux-headers-R, gcc-N, make, libc6-dev and a few base tools
  from the suite the kernel comes from (e.g. trixie + trixie-backports for
  a backports kernel built with gcc-14 and glibc 2.41), unpacked with
  dpkg-deb -x.  Needs root (chroot, mknod).

The module is not signed: Debian's kernels have CONFIG_MODULE_SIG=y but
not MODULE_SIG_FORCE, and a guest booted with -kernel has no Secure Boot,
so no lockdown: the module loads and taints the kernel (E, O).

Results are cached by a hash of the sources: ~/.cache/pykdump/
scenario-build/module-R/HASH/ and ~/.cache/pykdump/scenario-build/helper/
HASH/.
"""

import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import time

import debapt
import pkutil
from pkutil import Fail, log

HERE = os.path.dirname(os.path.realpath(__file__))
SRC = os.path.join(os.path.dirname(HERE), "scenario-module")
MODULE_NAME = "pykdump_scenario"
MODULE_SOURCES = ["pykdump_scenario.c", "Kbuild"]
HELPER_SOURCE = "pkd-helper.c"
HELPER_NAMES = ["pkd-oom-hog", "pkd-sleeper", "pkd-files", "pkd-tcp",
                "pkd-ipc"]
BUILDROOT_FORMAT = "1"
# Base tools kbuild's recipes run, besides what gcc and the kbuild package
# pull in (a build root has no Essential set unless asked for).
BUILDROOT_TOOLS = ["make", "libc6-dev", "dash", "bash", "coreutils", "sed",
                   "grep", "mawk", "findutils", "diffutils"]


def _sources_hash(names, extra=""):
    h = hashlib.sha256(extra.encode())
    for n in names:
        h.update(n.encode() + b"\0")
        h.update(open(os.path.join(SRC, n), "rb").read())
    return h.hexdigest()[:16]


# ------------------------------------------------------------ headers

def header_packages(apt, release):
    """linux-headers-R and the per-kernel packages it depends on (the
    -common headers, linux-kbuild-*, linux-base-R), not the compiler."""
    pkgs = [f"linux-headers-{release}"]
    for d in apt.depends(pkgs[0]):
        if d.startswith(("linux-headers-", "linux-kbuild-")) or \
                d.endswith("-" + release):
            pkgs.append(d)
    return list(dict.fromkeys(pkgs))


def fetch_debs(apt, pkgs):
    """Paths of the .debs of PKGS in ~/.cache/pykdump/debs (downloaded
    once)."""
    debdir = os.path.join(pkutil.cache_dir(), "debs")
    os.makedirs(debdir, exist_ok=True)
    with pkutil.locked(os.path.join(debdir, ".lock"), debdir):
        have = {p: _cached_deb(debdir, p) for p in pkgs}
        need = [p for p in pkgs if not have[p]]
        if need:
            log(f"downloading {' '.join(need)} ({apt.name} apt)")
            apt.download(need, debdir)
            have = {p: _cached_deb(debdir, p) for p in pkgs}
    missing = [p for p in pkgs if not have[p]]
    if missing:
        raise Fail(f"download produced no .deb for {' '.join(missing)}")
    return [have[p] for p in pkgs]


def _cached_deb(debdir, pkg):
    debs = glob.glob(os.path.join(debdir, f"{glob.escape(pkg)}_*.deb"))
    debs.sort(key=os.path.getmtime)
    return debs[-1] if debs else None


def _kconfig(hdir):
    cfg = {}
    for ln in open(os.path.join(hdir, ".config"), errors="replace"):
        m = re.match(r"^(CONFIG_\w+)=(.*)$", ln)
        if m:
            cfg[m.group(1)] = m.group(2).strip('"')
    return cfg


def kernel_compiler(hdir):
    """(command, major) of the compiler the kernel was built with, from
    CONFIG_CC_VERSION_TEXT ("gcc-12 (Debian 12.2.0-14) 12.2.0" or
    "x86_64-linux-gnu-gcc-14 (Debian 14.2.0-19) 14.2.0")."""
    text = _kconfig(hdir).get("CONFIG_CC_VERSION_TEXT", "")
    m = re.match(r"^(\S*gcc-(\d+))\s", text)
    if not m:
        raise Fail(f"{hdir}/.config: cannot tell the compiler from "
                   f"CONFIG_CC_VERSION_TEXT={text!r} (only gcc is handled)")
    return m.group(1), int(m.group(2))


def unpack_headers(release, debs):
    """Unpack the header packages into ~/.cache/pykdump/headers-R (once);
    returns the root (its usr/src/linux-headers-R is the kbuild tree)."""
    root = os.path.join(pkutil.cache_dir(), f"headers-{release}")
    with pkutil.locked(root + ".lock", root):
        stamp = os.path.join(root, ".pykdump-extracted")
        want = "".join(os.path.basename(d) + "\n" for d in debs)
        if os.path.exists(stamp) and open(stamp).read() == want:
            return root
        log(f"unpacking {len(debs)} header packages into {root}")
        tmp = root + ".tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        os.makedirs(tmp)
        for d in debs:
            pkutil.run(["dpkg-deb", "-x", d, tmp], capture_output=True)
        hdir = os.path.join(tmp, "usr/src", f"linux-headers-{release}")
        mk = os.path.join(hdir, "Makefile")
        if not os.path.exists(mk):
            raise Fail(f"unexpected headers layout: {mk} missing")
        # The top Makefile names the -common tree (and, in newer
        # packages, KBUILD_OUTPUT) by absolute /usr/src paths.
        text = open(mk).read()
        text = re.sub(r"(?<![\w/])/usr/src/", root + "/usr/src/", text)
        open(mk, "w").write(text)
        with open(os.path.join(tmp, ".pykdump-extracted"), "w") as f:
            f.write(want)
        shutil.rmtree(root, ignore_errors=True)
        os.rename(tmp, root)
    return root


def host_can_build(hdir):
    """'' when the host can build against HDIR, else why not."""
    cc, _ = kernel_compiler(hdir)
    if not shutil.which(cc):
        return f"the kernel was built with {cc}, which the host lacks"
    for prog in ("scripts/basic/fixdep", "scripts/mod/modpost"):
        p = os.path.join(hdir, prog)
        if not os.path.exists(p):
            return f"{p} missing"
        r = subprocess.run([p], capture_output=True, text=True)
        if r.returncode in (126, 127) or "GLIBC" in r.stderr:
            return (f"{prog} does not run on the host's C library: "
                    + r.stderr.strip()[-200:])
    return ""


# ------------------------------------------------------------ build root

def _merge_usr(root):
    """Point /bin, /sbin, /lib, /lib64 at their /usr counterparts (Debian's
    merged /usr; dpkg-deb -x leaves what a package ships under /bin as a
    real directory), and add the links maintainer scripts would make."""
    for d in ("bin", "sbin", "lib", "lib64"):
        top, usr = os.path.join(root, d), os.path.join(root, "usr", d)
        if os.path.islink(top):
            continue
        os.makedirs(usr, exist_ok=True)
        if os.path.isdir(top):
            for e in os.listdir(top):
                src, dst = os.path.join(top, e), os.path.join(usr, e)
                if not os.path.lexists(dst):
                    os.rename(src, dst)
            shutil.rmtree(top)
        os.symlink(f"usr/{d}", top)
    for link, target in (("usr/bin/sh", "dash"), ("usr/bin/awk", "mawk")):
        p = os.path.join(root, link)
        if not os.path.lexists(p):
            os.symlink(target, p)
    for d in ("dev", "tmp", "proc", "build"):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    os.chmod(os.path.join(root, "tmp"), 0o1777)
    for name, major, minor in (("null", 1, 3), ("zero", 1, 5),
                               ("urandom", 1, 9)):
        p = os.path.join(root, "dev", name)
        if not os.path.exists(p):
            os.mknod(p, 0o666 | 0o020000, os.makedev(major, minor))


def build_root(release, apt, suite, gcc_major):
    """A chroot with the toolchain and the headers for RELEASE (see the
    module docstring); returns its path."""
    if os.geteuid() != 0:
        raise Fail("building the scenario module in a chroot needs root")
    base = os.path.join(pkutil.cache_dir(), f"buildroot-{release}")
    root = os.path.join(base, "root")
    pkgs = BUILDROOT_TOOLS + [f"gcc-{gcc_major}", f"linux-headers-{release}"]
    with pkutil.locked(base + ".lock", base):
        stamp = os.path.join(root, ".pykdump-buildroot")
        try:
            info = json.load(open(stamp))
            if info.get("format") == BUILDROOT_FORMAT and \
                    info.get("requested") == pkgs:
                return root
        except (OSError, ValueError):
            pass
        suites = list(dict.fromkeys([debapt.base_suite(suite), suite]))
        bapt = debapt.Apt.private(f"build-{'-'.join(suites)}", suites)
        t = time.monotonic()
        log(f"making a build root for {release} from {' '.join(suites)} "
            f"(gcc-{gcc_major}): {base}")
        debdir = os.path.join(base, "debs")
        shutil.rmtree(debdir, ignore_errors=True)
        debs = bapt.download_closure(pkgs, debdir)
        tmp = root + ".tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        os.makedirs(tmp)
        versions = {}
        for d in debs:
            pkutil.run(["dpkg-deb", "-x", d, tmp], capture_output=True)
            name, ver = os.path.basename(d).split("_")[:2]
            versions[name] = ver.replace("%3a", ":")
        _merge_usr(tmp)
        with open(os.path.join(tmp, ".pykdump-buildroot"), "w") as f:
            json.dump({"format": BUILDROOT_FORMAT, "requested": pkgs,
                       "suites": suites, "packages": versions}, f, indent=1)
        shutil.rmtree(root, ignore_errors=True)
        os.rename(tmp, root)
        shutil.rmtree(debdir, ignore_errors=True)
        log(f"build root ready: {len(debs)} packages "
            f"({time.monotonic() - t:.0f} s)")
    return root


# ------------------------------------------------------------ module

def build_module(release, apt, suite):
    """Build pykdump_scenario.ko for RELEASE.  APT is where the kernel
    came from and SUITE its suite there.  Returns (path of the .ko, info
    dict for the MANIFEST)."""
    debs = fetch_debs(apt, header_packages(apt, release))
    hroot = unpack_headers(release, debs)
    hdir = os.path.join(hroot, "usr/src", f"linux-headers-{release}")
    cc, gcc_major = kernel_compiler(hdir)
    key = _sources_hash(MODULE_SOURCES, release)
    out = os.path.join(pkutil.cache_dir(), "scenario-build",
                       f"module-{release}", key)
    ko = os.path.join(out, MODULE_NAME + ".ko")
    with pkutil.locked(out + ".lock", out):
        if os.path.exists(os.path.join(out, "info.json")) and \
                os.path.exists(ko):
            return ko, json.load(open(os.path.join(out, "info.json")))
        why_not = host_can_build(hdir)
        t = time.monotonic()
        if not why_not:
            work = os.path.join(out + ".tmp")
            _copy_sources(work)
            argv = ["make", "-C", hdir, f"M={work}", "modules"]
            how = f"host {cc}"
            r = subprocess.run(argv, capture_output=True, text=True,
                               env=dict(os.environ, LC_ALL="C"))
        else:
            log(f"building the module in a chroot: {why_not}")
            root = build_root(release, apt, suite, gcc_major)
            work = os.path.join(root, "build", MODULE_NAME)
            _copy_sources(work)
            # objtool reads /proc/self/limits: a private mount namespace
            # gets a /proc that vanishes with it.
            argv = ["unshare", "--mount", "--propagation", "private", "sh",
                    "-c", 'mount -t proc proc "$0/proc" && exec chroot "$@"',
                    root, root, "make", "-C",
                    f"/usr/src/linux-headers-{release}",
                    f"M=/build/{MODULE_NAME}", "DEB_BUILD_ARCH=amd64",
                    "modules"]
            how = f"chroot {os.path.relpath(root, pkutil.cache_dir())} {cc}"
            r = subprocess.run(argv, capture_output=True, text=True,
                               env={"PATH": "/usr/bin:/usr/sbin:/bin:/sbin",
                                    "LC_ALL": "C", "HOME": "/build"})
        logtext = f"$ {' '.join(argv)}\n{r.stdout}{r.stderr}"
        if r.returncode != 0 or not os.path.exists(
                os.path.join(work, MODULE_NAME + ".ko")):
            raise Fail(f"building {MODULE_NAME}.ko ({how}) failed:\n"
                       + logtext[-3000:])
        warnings = [ln for ln in logtext.splitlines()
                    if re.search(r"warning:", ln, re.I)]
        tmp = out + ".new"
        shutil.rmtree(tmp, ignore_errors=True)
        os.makedirs(tmp)
        shutil.copy(os.path.join(work, MODULE_NAME + ".ko"), tmp)
        open(os.path.join(tmp, "build.log"), "w").write(logtext)
        info = {"built_with": how, "sources": key,
                "compiler": _kconfig(hdir).get("CONFIG_CC_VERSION_TEXT"),
                "warnings": len(warnings)}
        json.dump(info, open(os.path.join(tmp, "info.json"), "w"))
        shutil.rmtree(out, ignore_errors=True)
        os.rename(tmp, out)
        shutil.rmtree(work, ignore_errors=True)
        log(f"built {MODULE_NAME}.ko for {release} ({how}, "
            f"{time.monotonic() - t:.0f} s, {len(warnings)} warnings)")
        for w in warnings[:5]:
            log(f"  {w}")
    return ko, info


def _copy_sources(work):
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    for n in MODULE_SOURCES:
        shutil.copy(os.path.join(SRC, n), work)


# ------------------------------------------------------------ helper

def build_helper():
    """The statically linked pkd-helper (any x86-64 guest kernel runs
    it); returns its path."""
    key = _sources_hash([HELPER_SOURCE])
    out = os.path.join(pkutil.cache_dir(), "scenario-build", "helper", key)
    exe = os.path.join(out, "pkd-helper")
    with pkutil.locked(out + ".lock", out):
        if os.path.exists(exe):
            return exe
        pkutil.ensure_tools({"gcc": "gcc",
                             "/usr/lib/x86_64-linux-gnu/libc.a": "libc6-dev"})
        tmp = out + ".tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        os.makedirs(tmp)
        pkutil.run(["gcc", "-static", "-O2", "-Wall", "-Wextra", "-Werror",
                    "-o", os.path.join(tmp, "pkd-helper"),
                    os.path.join(SRC, HELPER_SOURCE)], capture_output=True)
        shutil.rmtree(out, ignore_errors=True)
        os.rename(tmp, out)
    return exe
