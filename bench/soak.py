"""Soak test: `geokg serve` under attack and faults for 60 s, with normal clients measured throughout.

    python bench/soak.py [--seconds 60] [--clients 64] [--drips 300]

All traffic stays on loopback. At once, for the whole run:
- normal clients (in 4 processes) fetch entity pages, named queries and small SPARQL lookups;
- 2 clients send runaway queries, 1 sends a memory bomb, each again as soon as it is answered;
- slow-drip connections send a request's headers or body one byte every 5 s;
- one writer sends a failing update every 5 s and a small update every second.
Reported: the normal clients' throughput, p50/p99 and errors, what the attackers got, and the peak
resident memory of the server and all its processes. Not a test: it is too long for CI.
"""

import argparse
import http.client
import json
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from endpoint_bench import free_port, stop_all, wait_for  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
TOKEN = "soak-token"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
BOMB = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i LIMIT 1"
NORMAL = [
    ("GET", "/id/actor/hamas", None),
    ("GET", "/id/actor/iran.json", None),
    ("GET", "/queries/alliance-members?alliance=Axis+of+Resistance&asOf=2017-09-23", None),
    ("GET", "/sparql?" + urllib.parse.urlencode({"query": "SELECT ?s WHERE { ?s a <https://w3id.org/geokg/ontology#State> } LIMIT 20"}), None),
    ("GET", "/sparql?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"}), None),
]


def call(connection, method, path, body=None, headers=None):
    connection.request(method, path, body=body, headers={"Accept": "application/json", **(headers or {})})
    response = connection.getresponse()
    response.read()
    return response.status


def normal_process(port, seconds, threads, think, queue):
    """Normal clients: each thread loops over the mix on one kept-alive connection, pausing ``think`` s."""
    latencies, errors, lock = [], [], threading.Lock()
    stop = time.monotonic() + seconds

    def client(offset):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        i = offset
        while time.monotonic() < stop:
            method, path, body = NORMAL[i % len(NORMAL)]
            i += 1
            started = time.perf_counter()
            try:
                status = call(connection, method, path, body)
            except (OSError, http.client.HTTPException) as exc:
                status = type(exc).__name__
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if status != 200:
                    errors.append(f"{path.split('?')[0]}: {status}")
            if think:
                time.sleep(think)

    pool = [threading.Thread(target=client, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    queue.put((latencies, errors))


def attacker(port, stop, query, outcomes):
    while time.monotonic() < stop:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            status = call(connection, "GET", "/sparql?" + urllib.parse.urlencode({"query": query}))
        except (OSError, http.client.HTTPException) as exc:
            status = type(exc).__name__
        outcomes.append(status)
        connection.close()


def dripper(port, stop, index, opened):
    """One slow client: headers (even index) or a body (odd index), one byte every 5 s."""
    try:
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    except OSError:
        return
    opened.append(1)
    head = b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nContent-Length: 100000\r\n"
    data = head + b"X-Pad: " + b"a" * 10000 if index % 2 == 0 else head + b"\r\n" + b"S" * 100000
    sent = 0 if index % 2 == 0 else len(head) + 2
    if sent:
        sock.sendall(data[:sent])
    try:
        while time.monotonic() < stop and sent < len(data):
            sock.send(data[sent:sent + 1])
            sent += 1
            time.sleep(5)
    except OSError:
        pass
    finally:
        sock.close()


def writer(port, stop, outcomes):
    """A small update every second and a failing one every fifth."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"}
    tick = 0
    while time.monotonic() < stop:
        started = time.monotonic()
        text = ("DROP GRAPH <http://example.org/missing>" if tick % 5 == 4
                else f"INSERT DATA {{ GRAPH <urn:soak> {{ <urn:soak:s> <urn:soak:p> {tick} }} }}")
        try:
            status = call(connection, "POST", "/sparql", text.encode(), headers)
        except (OSError, http.client.HTTPException) as exc:
            status = type(exc).__name__
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        outcomes.append(("fail" if tick % 5 == 4 else "small", status, time.monotonic() - started))
        tick += 1
        time.sleep(max(0.0, 1 - (time.monotonic() - started)))


def tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/statm") as statm:
                total += int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            pass
        todo.extend(children.get(current, []))
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--think", type=float, default=1.0,
                        help="seconds each normal client waits between requests (0: as fast as it can)")
    parser.add_argument("--drips", type=int, default=300)
    parser.add_argument("--runaways", type=int, default=2)
    parser.add_argument("--bombs", type=int, default=1)
    parser.add_argument("--no-writes", action="store_true")
    args = parser.parse_args()

    port = free_port()
    folder = tempfile.mkdtemp(prefix="geokg-soak-")
    env = {**os.environ, "GEOKG_WRITE_TOKEN": TOKEN}
    # The server's log goes to a file: a pipe nobody reads fills up and blocks the server's threads.
    log = open(os.path.join(folder, "server.log"), "wb")
    server = subprocess.Popen([sys.executable, "-m", "geokg", "serve", "--demo", "--port", str(port)],
                              cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=log)
    try:
        wait_for(f"http://127.0.0.1:{port}/sparql", 60)
        stop = time.monotonic() + args.seconds
        opened, runaway, bombs, writes = [], [], [], []
        side = [threading.Thread(target=dripper, args=(port, stop, i, opened), daemon=True) for i in range(args.drips)]
        for thread in side:
            thread.start()
        time.sleep(1)
        side += [threading.Thread(target=attacker, args=(port, stop, RUNAWAY, runaway), daemon=True)
                 for _ in range(args.runaways)]
        side += [threading.Thread(target=attacker, args=(port, stop, BOMB, bombs), daemon=True)
                 for _ in range(args.bombs)]
        if not args.no_writes:
            side.append(threading.Thread(target=writer, args=(port, stop, writes), daemon=True))
        for thread in side[args.drips:]:
            thread.start()
        context = multiprocessing.get_context("spawn")
        results = context.Queue()
        per = max(1, args.clients // 4)
        clients = [context.Process(target=normal_process, args=(port, stop - time.monotonic(), per, args.think, results))
                   for _ in range(4)]
        for process in clients:
            process.start()
        peak = 0
        while time.monotonic() < stop:
            peak = max(peak, tree_rss(server.pid))
            time.sleep(0.5)
        latencies, errors = [], []
        for _ in clients:
            got_latencies, got_errors = results.get(timeout=120)
            latencies += got_latencies
            errors += got_errors
        for process in clients:
            process.join()
        for thread in side[args.drips:]:
            thread.join(timeout=120)
        latencies.sort()
        small = sorted(t for kind, status, t in writes if kind == "small" and status == 204)
        report = {
            "seconds": args.seconds, "clients": per * 4, "think_seconds": args.think, "drip_connections_opened": len(opened),
            "normal_requests": len(latencies), "throughput_per_s": round(len(latencies) / args.seconds, 1),
            "p50_ms": round(1000 * latencies[len(latencies) // 2], 1) if latencies else None,
            "p99_ms": round(1000 * latencies[int(len(latencies) * 0.99)], 1) if latencies else None,
            "errors": len(errors), "error_samples": sorted(set(errors))[:10],
            "runaway_answers": {str(s): runaway.count(s) for s in set(runaway)},
            "bomb_answers": {str(s): bombs.count(s) for s in set(bombs)},
            "small_updates": {str(s): sum(1 for k, st, _ in writes if k == "small" and st == s)
                              for s in {st for k, st, _ in writes if k == "small"}},
            "failing_updates": {str(s): sum(1 for k, st, _ in writes if k == "fail" and st == s)
                                for s in {st for k, st, _ in writes if k == "fail"}},
            "small_update_p50_ms": round(1000 * statistics.median(small), 1) if small else None,
            "peak_rss_mib": round(peak / 2**20),
        }
        print(json.dumps(report, indent=2))
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "soak.json").write_text(json.dumps(report, indent=2))
        return 0 if report["errors"] == 0 else 1
    finally:
        stop_all([server])

if __name__ == "__main__":
    raise SystemExit(main())
