"""Request and query counters, written in the Prometheus text format."""

import threading
from collections import Counter

BUCKETS = (0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 30.0, float("inf"))


class Metrics:
    """Counters shared by every request thread."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests = Counter()
        self.query_buckets = Counter()
        self.query_count = 0
        self.query_seconds = 0.0
        self.timeouts = 0
        self.refused = 0

    def request(self, endpoint: str, method: str, status: int) -> None:
        with self.lock:
            self.requests[(endpoint or "unknown", method, status)] += 1

    def query(self, seconds: float) -> None:
        with self.lock:
            self.query_count += 1
            self.query_seconds += seconds
            for bound in BUCKETS:
                if seconds <= bound:
                    self.query_buckets[bound] += 1

    def text(self, killed: int = 0, memory_killed: int = 0, crashed: int = 0) -> str:
        """The metrics in the Prometheus text exposition format."""
        with self.lock:
            lines = ["# HELP geokg_requests_total HTTP requests by endpoint, method and status.",
                     "# TYPE geokg_requests_total counter"]
            for (endpoint, method, status), n in sorted(self.requests.items()):
                lines.append(f'geokg_requests_total{{endpoint="{endpoint}",method="{method}",status="{status}"}} {n}')
            lines += ["# HELP geokg_query_seconds Time spent answering SPARQL queries.",
                      "# TYPE geokg_query_seconds histogram"]
            for bound in BUCKETS:
                label = "+Inf" if bound == float("inf") else f"{bound:g}"
                lines.append(f'geokg_query_seconds_bucket{{le="{label}"}} {self.query_buckets[bound]}')
            lines += [f"geokg_query_seconds_sum {self.query_seconds:.6f}", f"geokg_query_seconds_count {self.query_count}",
                      "# HELP geokg_query_timeouts_total Queries stopped at their deadline.",
                      "# TYPE geokg_query_timeouts_total counter", f"geokg_query_timeouts_total {self.timeouts}",
                      "# HELP geokg_query_workers_killed_total Worker processes killed to stop a query.",
                      "# TYPE geokg_query_workers_killed_total counter",
                      f"geokg_query_workers_killed_total {killed}",
                      "# HELP geokg_memory_kills_total Worker processes killed for passing the memory cap.",
                      "# TYPE geokg_memory_kills_total counter", f"geokg_memory_kills_total {memory_killed}",
                      "# HELP geokg_worker_crashes_total Worker processes that died on their own while answering.",
                      "# TYPE geokg_worker_crashes_total counter", f"geokg_worker_crashes_total {crashed}",
                      "# HELP geokg_requests_refused_total Queries and updates refused before execution.",
                      "# TYPE geokg_requests_refused_total counter", f"geokg_requests_refused_total {self.refused}"]
            return "\n".join(lines) + "\n"
