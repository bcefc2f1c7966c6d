"""Servers the tests (and benchmarks) run a store in: `oxigraph serve` and Virtuoso, each on free loopback
ports, in a directory of its own, started and stopped by the caller (never a system service)."""

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

VIRTUOSO = "virtuoso-t"
VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
VIRTUOSO_USER, VIRTUOSO_PASSWORD = "dba", "dba"
VIRTUOSO_SYSTEM_VAD = "/usr/share/virtuoso-opensource-7/vad"


def _die_with_parent() -> None:
    # A server outlives a test run killed by a signal (no fixture teardown runs): Linux stops it with its
    # parent (prctl PR_SET_PDEATHSIG); elsewhere it must be stopped by hand.
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A store server process: its URL (or config file) for geokg, and how to stop it."""

    def __init__(self, process, location: str, directory: str | None = None, log: str | None = None):
        self.process, self.location, self.directory, self.log = process, location, directory, log

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        if self.directory:
            shutil.rmtree(self.directory, ignore_errors=True)

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(Path(self.log).read_text(errors="replace").splitlines()[-lines:]) if self.log else ""
        except OSError:
            return ""


def start_oxigraph(directory, *options: str):
    """`oxigraph serve` on a free loopback port; returns the process and its root URL once it answers."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    process = subprocess.Popen(["oxigraph", "serve", "--location", str(directory), "--bind", f"127.0.0.1:{port}",
                                *options], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               preexec_fn=_die_with_parent)
    for _ in range(200):
        try:
            urllib.request.urlopen(url + "query?query=ASK%7B%7D", timeout=1).close()
            return process, url
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("oxigraph serve did not start")


def virtuoso_ini(directory: Path, sql_port: int, http_port: int, max_rows: int = 10_000,
                 max_seconds: int = 60) -> str:
    """Debian's virtuoso.ini with the database in ``directory`` and both ports on loopback."""
    sections: dict[str, dict[str, str]] = {}
    order: list[str] = []
    current = None
    for line in VIRTUOSO_INI.read_text().splitlines():
        text = line.split(";", 1)[0].strip()
        if text.startswith("[") and text.endswith("]"):
            current = text[1:-1]
            order.append(current)
            sections[current] = {}
        elif "=" in text and current is not None:
            key, value = (part.strip() for part in text.split("=", 1))
            sections[current][key] = value
    db = directory
    sections["Database"].update({
        "DatabaseFile": f"{db}/virtuoso.db", "ErrorLogFile": f"{db}/virtuoso.log", "LockFile": f"{db}/virtuoso.lck",
        "TransactionFile": f"{db}/virtuoso.trx", "xa_persistent_file": f"{db}/virtuoso.pxa"})
    sections["TempDatabase"].update({"DatabaseFile": f"{db}/virtuoso-temp.db",
                                     "TransactionFile": f"{db}/virtuoso-temp.trx"})
    sections["Parameters"].update({
        "ServerPort": f"127.0.0.1:{sql_port}", "DirsAllowed": f"., {db}, {VIRTUOSO_SYSTEM_VAD}",
        # A test database: small buffers, no periodic checkpoints to wait for.
        "NumberOfBuffers": "20000", "MaxDirtyBuffers": "15000", "CheckpointInterval": "0",
        "MaxClientConnections": "64", "ThreadsPerQuery": "2"})
    sections["HTTPServer"].update({"ServerPort": f"127.0.0.1:{http_port}", "ServerRoot": f"{db}/vsp",
                                   "ServerThreads": "64", "MaxClientConnections": "64", "MaxKeepAlives": "64",
                                   "KeepAliveTimeout": "5",
                                   "EnabledGzipContent": "0"})
    sections["SPARQL"].update({"ResultSetMaxRows": str(max_rows), "MaxQueryExecutionTime": str(max_seconds)})
    # Wiki and mail plug-ins are not needed and only slow the start.
    sections.pop("Plugins", None)
    order = [name for name in order if name in sections]
    return "\n".join(f"[{name}]\n" + "".join(f"{k} = {v}\n" for k, v in sections[name].items()) for name in order)


def virtuoso_config(directory: Path, http_port: int) -> Path:
    """The geokg store file for a Virtuoso on ``http_port``."""
    root = f"http://127.0.0.1:{http_port}"
    path = directory / "store.toml"
    path.write_text(f'query = "{root}/sparql"\nupdate = "{root}/sparql-auth"\n'
                    f'store = "{root}/sparql-graph-crud-auth"\nuser = "{VIRTUOSO_USER}"\n'
                    f'password = "{VIRTUOSO_PASSWORD}"\nauth = "digest"\nversion_ttl = 0\n', encoding="utf-8")
    return path


def start_virtuoso(directory=None, max_rows: int = 10_000, max_seconds: int = 60, seconds: float = 120.0) -> Server:
    """Virtuoso (virtuoso-t) in the foreground on two free loopback ports, its database in a new directory;
    returns once its SPARQL endpoint answers. Server.location is a geokg store file for it."""
    import tempfile

    if shutil.which(VIRTUOSO) is None:
        raise FileNotFoundError(f"{VIRTUOSO} is not installed (Debian: apt-get install virtuoso-opensource)")
    directory = Path(directory or tempfile.mkdtemp(prefix="geokg-virtuoso-"))
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "vsp").mkdir(exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(virtuoso_ini(directory, sql_port, http_port, max_rows, max_seconds), encoding="utf-8")
    log = directory / "virtuoso.log"
    process = subprocess.Popen([VIRTUOSO, "+foreground", "+configfile", str(ini)], cwd=directory,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=_die_with_parent)
    server = Server(process, str(virtuoso_config(directory, http_port)), str(directory), str(log))
    url = f"http://127.0.0.1:{http_port}/sparql?query=ASK%7B%7D"
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = server.log_tail()
            server.stop()
            raise RuntimeError(f"virtuoso-t exited at start (code {process.returncode}): {tail}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return server
        except OSError:
            time.sleep(0.2)
    tail = server.log_tail()
    server.stop()
    raise RuntimeError(f"virtuoso-t did not answer within {seconds:g} s: {tail}")


def server_available(kind: str) -> str | None:
    """None when the server binary for ``kind`` is installed, else why not."""
    binary = {"oxigraph-server": "oxigraph", "virtuoso": VIRTUOSO}.get(kind)
    if binary and shutil.which(binary) is None:
        return f"{binary} is not installed"
    return None


if __name__ == "__main__":
    # Start a Virtuoso by hand, to look at it: prints the store file and waits.
    started = start_virtuoso(os.environ.get("GEOKG_VIRTUOSO_DIR"))
    print(started.location, flush=True)
    try:
        started.process.wait()
    except KeyboardInterrupt:
        started.stop()
