# SPDX-License-Identifier: GPL-2.0-or-later
"""Facts about the dumped machine and kernel (PyKdump's vmcorearch.py):
sys_info (the `sys` command's fields plus CPUS as an int, kernel, HZ,
machine, livedump, debuginfo dirs), HZ, PAGESIZE, PAGE_CACHE_SHIFT.

The facts come from the open dump (lib/session.c, lib/arch/).  sys_info
stays empty and HZ, PAGESIZE, PAGE_CACHE_SHIFT raise crash.NoDumpError
until a dump is open and the session is wired to Python.
"""

from .Generic import Bunch, KernelRev  # noqa: F401 (KernelRev: original API)
from ._pending import module_getattr

sys_info = Bunch()

__getattr__ = module_getattr(__name__, ["HZ", "PAGESIZE", "PAGE_CACHE_SHIFT"])
