# SPDX-License-Identifier: GPL-2.0-or-later
"""Shared helpers for scripts/make-sample-dump and scripts/crash-ref.

Run with Debian's /usr/bin/python3 (standard library only).

* cache locations (~/.cache/pykdump, override with PYKDUMP_CACHE)
* host tool checks (apt-get install what is missing)
* a private apt configuration for Debian trixie, whose archive URI is taken
  from this machine's own apt sources, used to unpack (not install) crash
  8.0.6 and makedumpfile 1.7.6 with the libraries they need into
  ~/.cache/pykdump/trixie-root, and to build the command line that runs a
  binary from there through trixie's own dynamic loader.
"""

import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

PROG = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "pykdump"

# Packages unpacked into the trixie root.  crash and makedumpfile plus the
# libraries they link (checked with ldd against the unpacked root).
TRIXIE_SUITE = "trixie"
TRIXIE_PACKAGES = [
    "crash", "makedumpfile",
    "libc6", "libgcc-s1", "libstdc++6", "liblzo2-2", "libncursesw6",
    "libsnappy1v5", "libtinfo6", "libzstd1", "zlib1g", "libdw1t64",
    "libelf1t64", "libbz2-1.0", "liblzma5",
]
# Bump when the layout of the trixie root changes.
TRIXIE_ROOT_FORMAT = "1"


class Fail(Exception):
    """A clear, user-facing error: printed without a traceback."""


def log(msg):
    print(f"[{PROG}] {msg}", file=sys.stderr, flush=True)


def cache_dir():
    d = os.environ.get("PYKDUMP_CACHE") or os.path.join(
        os.path.expanduser("~"), ".cache", "pykdump")
    os.makedirs(d, exist_ok=True)
    return d


def run(argv, **kw):
    """subprocess.run with check=True and a readable failure."""
    kw.setdefault("check", True)
    try:
        return subprocess.run(argv, **kw)
    except subprocess.CalledProcessError as e:
        out = ""
        for s in (e.stdout, e.stderr):
            if s:
                out += s.decode(errors="replace") if isinstance(s, bytes) else s
        tail = "\n".join(out.strip().splitlines()[-20:])
        raise Fail(f"command failed ({e.returncode}): {' '.join(argv)}"
                   + (f"\n{tail}" if tail else ""))
    except FileNotFoundError:
        raise Fail(f"command not found: {argv[0]}")


# ---------------------------------------------------------------- host tools

def ensure_tools(tools):
    """tools: {command_or_abs_path: debian_package}.  Installs the packages
    of the missing ones with apt-get (idempotent: nothing happens when all
    are present)."""
    missing = {}
    for cmd, pkg in tools.items():
        if os.path.isabs(cmd):
            ok = os.path.exists(cmd)
        else:
            ok = shutil.which(cmd) is not None
        if not ok:
            missing[cmd] = pkg
    if not missing:
        return
    log(f"missing {', '.join(sorted(missing))}")
    apt_install(sorted(set(missing.values())))


APT_GET_WAIT = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                            "apt-get-wait")


def apt_get(args, **kw):
    """The host's apt-get ARGS through apt-get-wait: waits for another
    apt or dpkg to release the package manager's locks."""
    return subprocess.run([APT_GET_WAIT] + args, **kw)


def apt_install(pkgs):
    """apt-get install -y --no-install-recommends PKGS (retrying once after
    apt-get update)."""
    log(f"apt-get install {' '.join(pkgs)}")
    if os.geteuid() != 0:
        raise Fail("need root to install: apt-get install -y "
                   "--no-install-recommends " + " ".join(pkgs))
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    args = ["install", "-y", "--no-install-recommends"] + pkgs
    if apt_get(args, env=env).returncode != 0:
        log("apt-get install failed; running apt-get update and retrying")
        run([APT_GET_WAIT, "update"], env=env)
        run([APT_GET_WAIT] + args, env=env)


# ------------------------------------------------------- apt sources parsing

def _parse_sources_files():
    """Yield (uri, suites, components, signed_by) from the host's apt
    sources (one-line .list format and deb822 .sources format)."""
    files = []
    if os.path.exists("/etc/apt/sources.list"):
        files.append("/etc/apt/sources.list")
    files += sorted(glob.glob("/etc/apt/sources.list.d/*.list"))
    files += sorted(glob.glob("/etc/apt/sources.list.d/*.sources"))
    for f in files:
        try:
            text = open(f, encoding="utf-8", errors="replace").read()
        except OSError:
            continue
        if f.endswith(".sources"):
            for stanza in re.split(r"\n\s*\n", text):
                fields = {}
                key = None
                for line in stanza.splitlines():
                    if line.startswith("#"):
                        continue
                    m = re.match(r"^([A-Za-z-]+):\s*(.*)$", line)
                    if m:
                        key = m.group(1).lower()
                        fields[key] = m.group(2).strip()
                    elif key and line[:1] in (" ", "\t"):
                        fields[key] += " " + line.strip()
                if fields.get("enabled", "yes").lower() == "no":
                    continue
                if "deb" not in fields.get("types", "").split():
                    continue
                for uri in fields.get("uris", "").split():
                    yield (uri, fields.get("suites", "").split(),
                           fields.get("components", "").split(),
                           fields.get("signed-by", ""))
        else:
            for line in text.splitlines():
                line = line.split("#", 1)[0].strip()
                m = re.match(r"^deb\s+(\[[^\]]*\]\s+)?(\S+)\s+(\S+)\s*(.*)$",
                             line)
                if not m:
                    continue
                opts = m.group(1) or ""
                sb = re.search(r"signed-by=(\S+?)[\s\]]", opts)
                yield (m.group(2), [m.group(3)], m.group(4).split(),
                       sb.group(1) if sb else "")


def debian_archive_uri():
    """The URI of the Debian archive (not security, not updates, not
    third-party) configured on this machine."""
    candidates = []
    for uri, suites, comps, signed_by in _parse_sources_files():
        u = uri.rstrip("/")
        if "security" in u:
            continue
        suite_names = [s.split("/")[0] for s in suites]
        debian_suite = any(
            re.match(r"^(bookworm|trixie|forky|sid|bullseye|buster|stable|"
                     r"testing|unstable|oldstable)$", s) for s in suite_names)
        if not debian_suite:
            continue
        score = 0
        if u.endswith("/debian"):
            score += 2
        if "debian-archive-keyring" in signed_by or not signed_by:
            score += 1
        candidates.append((score, u))
    if not candidates:
        raise Fail("cannot find a Debian archive URI in /etc/apt/sources.list"
                   " or /etc/apt/sources.list.d/ (needed to fetch trixie's"
                   " crash/makedumpfile)")
    candidates.sort(key=lambda c: -c[0])
    return candidates[0][1]


# --------------------------------------------------------------- trixie root

def trixie_dirs():
    base = cache_dir()
    return {
        "apt": os.path.join(base, "trixie-apt"),
        "debs": os.path.join(base, "trixie-debs"),
        "root": os.path.join(base, "trixie-root"),
    }


def _trixie_keyring():
    """A keyring able to verify trixie's Release file, or None."""
    for k in ("/usr/share/keyrings/debian-archive-keyring.gpg",
              "/usr/share/keyrings/debian-archive-trixie-stable.gpg"):
        if os.path.exists(k):
            return k
    return None


def _apt_opts(aptdir):
    return [
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


def trixie_ready():
    root = trixie_dirs()["root"]
    stamp = os.path.join(root, ".pykdump-root")
    try:
        with open(stamp) as f:
            info = json.load(f)
    except (OSError, ValueError):
        return None
    if info.get("format") != TRIXIE_ROOT_FORMAT:
        return None
    if set(info.get("packages", {})) != set(TRIXIE_PACKAGES):
        return None
    return info


class locked:
    """Exclusive flock on PATH (created) for a with-block; tells the user
    when it has to wait for another process."""

    def __init__(self, path, what=""):
        self.path, self.what = path, what or path

    def __enter__(self):
        import fcntl
        os.makedirs(os.path.dirname(os.path.abspath(self.path)), exist_ok=True)
        self.f = open(self.path, "a")
        try:
            fcntl.flock(self.f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            log(f"waiting for another process working on {self.what}")
            fcntl.flock(self.f, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        self.f.close()      # releases the lock
        return False


def setup_trixie(force=False):
    """Unpack trixie's crash, makedumpfile and their libraries into the
    trixie root (idempotent, safe to run concurrently).  Returns the stamp
    info dict."""
    info = trixie_ready()
    if info and not force:
        return info
    with locked(trixie_dirs()["root"] + ".lock", "the trixie root"):
        info = trixie_ready()
        if info and not force:
            return info
        return _setup_trixie()


def _setup_trixie():
    ensure_tools({"apt-get": "apt", "dpkg-deb": "dpkg"})
    d = trixie_dirs()
    uri = debian_archive_uri()
    keyring = _trixie_keyring()
    log(f"preparing trixie root for crash/makedumpfile from {uri} "
        f"({TRIXIE_SUITE})")
    aptdir = d["apt"]
    for sub in ("lists/partial", "cache/archives/partial"):
        os.makedirs(os.path.join(aptdir, sub), exist_ok=True)

    def write_list(opt):
        with open(os.path.join(aptdir, "sources.list"), "w") as f:
            f.write(f"deb [{opt}] {uri} {TRIXIE_SUITE} main\n")

    opts = _apt_opts(aptdir)
    verified = False
    if keyring:
        write_list(f"signed-by={keyring}")
        r = subprocess.run(["apt-get"] + opts + ["update"],
                           capture_output=True, text=True)
        bad = re.search(r"NO_PUBKEY|not signed|EXPKEYSIG|is not signed|"
                        r"could not be verified|^E:", r.stdout + r.stderr,
                        re.M)
        if r.returncode == 0 and not bad:
            verified = True
        else:
            log("trixie signature check failed with "
                f"{keyring}; falling back to [trusted=yes]:\n"
                + (r.stdout + r.stderr).strip()[-800:])
    if not verified:
        write_list("trusted=yes")
        run(["apt-get"] + opts + ["update"], capture_output=True)
    # Download into a fresh directory, then unpack into a fresh root.
    debs_tmp = d["debs"] + ".tmp"
    shutil.rmtree(debs_tmp, ignore_errors=True)
    os.makedirs(debs_tmp)
    run(["apt-get"] + opts + ["download"] + TRIXIE_PACKAGES,
        cwd=debs_tmp, capture_output=True)
    shutil.rmtree(d["debs"], ignore_errors=True)
    os.rename(debs_tmp, d["debs"])
    root_tmp = d["root"] + ".tmp"
    shutil.rmtree(root_tmp, ignore_errors=True)
    os.makedirs(root_tmp)
    pkgs = {}
    for deb in sorted(glob.glob(os.path.join(d["debs"], "*.deb"))):
        fields = run(["dpkg-deb", "-f", deb, "Package", "Version"],
                     capture_output=True, text=True).stdout
        m = dict(re.findall(r"^(\S+): (.*)$", fields, re.M))
        pkgs[m["Package"]] = m["Version"]
        run(["dpkg-deb", "-x", deb, root_tmp])
    missing = set(TRIXIE_PACKAGES) - set(pkgs)
    if missing:
        raise Fail(f"trixie packages not downloaded: {' '.join(sorted(missing))}")
    info = {"format": TRIXIE_ROOT_FORMAT, "uri": uri, "suite": TRIXIE_SUITE,
            "verified": verified, "packages": pkgs,
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    with open(os.path.join(root_tmp, ".pykdump-root"), "w") as f:
        json.dump(info, f, indent=1, sort_keys=True)
    old = d["root"] + ".old"
    shutil.rmtree(old, ignore_errors=True)
    if os.path.exists(d["root"]):
        os.rename(d["root"], old)
    os.rename(root_tmp, d["root"])
    shutil.rmtree(old, ignore_errors=True)
    log(f"trixie root ready: crash {pkgs.get('crash')}, makedumpfile "
        f"{pkgs.get('makedumpfile')} ({'signature verified' if verified else 'UNVERIFIED [trusted=yes]'})")
    return info


def trixie_argv(binary):
    """argv prefix running trixie's BINARY (e.g. 'crash', 'makedumpfile')
    from the trixie root through its own dynamic loader."""
    setup_trixie()
    root = trixie_dirs()["root"]
    ld = os.path.join(root, "usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2")
    libdirs = [os.path.join(root, p) for p in (
        "usr/lib/x86_64-linux-gnu", "lib/x86_64-linux-gnu")
        if os.path.isdir(os.path.join(root, p))]
    path = None
    for sub in ("usr/bin", "usr/sbin", "bin", "sbin"):
        p = os.path.join(root, sub, binary)
        if os.path.isfile(p):
            path = p
            break
    if path is None:
        raise Fail(f"{binary} not found in trixie root {root}")
    return [ld, "--library-path", ":".join(libdirs), path]


# ---------------------------------------------------------------- hashing

def sha256_file(path, bufsize=4 << 20):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            b = f.read(bufsize)
            if not b:
                break
            h.update(b)
    return h.hexdigest()


def read_manifest(path):
    m = {}
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#") or "=" not in line:
                continue
            k, v = line.split("=", 1)
            m[k] = v
    return m


def file_sha256_cached(path):
    """sha256 of PATH, taken from the MANIFEST next to it when the file is
    listed there with the same size (sample directories), else computed."""
    for p in (os.path.abspath(path), os.path.realpath(path)):
        man = os.path.join(os.path.dirname(p), "MANIFEST")
        if not os.path.exists(man):
            continue
        m = read_manifest(man)
        name = os.path.basename(p)
        size = m.get(f"{name}.size")
        sha = m.get(f"{name}.sha256")
        if size and sha and os.path.getsize(path) == int(size):
            return sha
    return sha256_file(path)


def elf_build_id(path):
    """GNU build-id of an ELF file as hex, or None."""
    import struct
    try:
        with open(path, "rb") as f:
            eh = f.read(64)
            if eh[:4] != b"\x7fELF" or eh[4] != 2:
                return None
            e_shoff, = struct.unpack_from("<Q", eh, 0x28)
            e_shentsize, e_shnum = struct.unpack_from("<HH", eh, 0x3a)
            if not e_shoff or not e_shnum:
                return None
            f.seek(e_shoff)
            sh = f.read(e_shentsize * e_shnum)
            for i in range(e_shnum):
                (sh_name, sh_type, _flags, _addr, sh_offset, sh_size) = \
                    struct.unpack_from("<IIQQQQ", sh, i * e_shentsize)
                if sh_type != 7 or sh_size > 4096:     # SHT_NOTE
                    continue
                f.seek(sh_offset)
                data = f.read(sh_size)
                off = 0
                while off + 12 <= len(data):
                    namesz, descsz, ntype = struct.unpack_from("<III", data, off)
                    nm = data[off + 12: off + 12 + namesz]
                    doff = off + 12 + ((namesz + 3) & ~3)
                    desc = data[doff: doff + descsz]
                    if ntype == 3 and nm.rstrip(b"\0") == b"GNU":
                        return desc.hex()
                    off = doff + ((descsz + 3) & ~3)
    except OSError:
        return None
    return None


def atomic_write(path, data):
    d = os.path.dirname(os.path.abspath(path))
    os.makedirs(d, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".tmp-")
    try:
        with os.fdopen(fd, "w" if isinstance(data, str) else "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def main_wrapper(fn):
    try:
        rc = fn()
    except Fail as e:
        print(f"{PROG}: error: {e}", file=sys.stderr, flush=True)
        rc = 1
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        rc = 130
    sys.exit(rc or 0)
