"""Taking the network away from a worker process, so that no query can make it call out.

The query text is checked before the engine sees it (``querytext``); this is the second wall. A
seccomp filter makes ``socket()`` fail with EACCES for IPv4 and IPv6 (and forbids io_uring, which
can open sockets without that call). It needs no privileges (only no_new_privs), cannot be lifted by
the process once set, and leaves the Unix-domain pipe to the parent working.
"""

import ctypes
import errno
import platform
import struct

_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
_RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000
_LD_W_ABS, _JEQ_K, _JGE_K, _RET_K = 0x20, 0x15, 0x35, 0x06
_AF_INET, _AF_INET6 = 2, 10
_X32_SYSCALL_BIT = 0x40000000
# machine -> (audit arch, socket syscall, io_uring_setup syscall)
_ARCHES = {"x86_64": (0xC000003E, 41, 425), "aarch64": (0xC00000B7, 198, 425)}


class _Filter(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def _program(arch: int, socket_nr: int, uring_nr: int) -> bytes:
    """The BPF program: allow everything but socket(AF_INET|AF_INET6) and io_uring_setup on this arch."""
    deny = _RET_ERRNO | errno.EACCES
    steps = [
        (_LD_W_ABS, 0, 0, 4),            # seccomp_data.arch
        (_JEQ_K, 1, 0, arch),
        (_RET_K, 0, 0, deny),            # another ABI on this kernel (i386 emulation): refuse it outright
        (_LD_W_ABS, 0, 0, 0),            # seccomp_data.nr
        (_JGE_K, 0, 1, _X32_SYSCALL_BIT),
        (_RET_K, 0, 0, deny),            # x32 calls bypass the numbers below
        (_JEQ_K, 0, 1, uring_nr),
        (_RET_K, 0, 0, deny),
        (_JEQ_K, 0, 4, socket_nr),
        (_LD_W_ABS, 0, 0, 16),           # args[0], the address family (low half, little-endian)
        (_JEQ_K, 1, 0, _AF_INET),
        (_JEQ_K, 0, 1, _AF_INET6),
        (_RET_K, 0, 0, deny),
        (_RET_K, 0, 0, _RET_ALLOW),
    ]
    return b"".join(struct.pack("=HBBI", code, jt, jf, k) for code, jt, jf, k in steps)


def deny_network() -> str | None:
    """Forbid this process (and its threads and children from now on) to open IP sockets.

    Returns None when the filter is in place, or the reason it could not be (an unsupported machine
    or a kernel without seccomp), so the caller can say so; it never raises.
    """
    arch = _ARCHES.get(platform.machine())
    if arch is None:
        return f"no seccomp filter for {platform.machine()}"
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError as exc:
        return f"libc not found: {exc}"
    program = ctypes.create_string_buffer(_program(*arch))
    fprog = _Filter(len(program.raw) // 8, ctypes.cast(program, ctypes.c_void_p))
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return f"prctl(NO_NEW_PRIVS) failed: {errno.errorcode.get(ctypes.get_errno(), '?')}"
    if libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        return f"seccomp filter refused: {errno.errorcode.get(ctypes.get_errno(), '?')}"
    return None
