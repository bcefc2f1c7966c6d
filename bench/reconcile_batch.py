"""A batch of 10 reconciliation queries, as OpenRefine sends them, against a running server: the seed's first
ten actors by name and type, then the same names with one letter dropped (every query through the look-alike
search). Usage: python bench/reconcile_batch.py http://127.0.0.1:5000 [BATCHES]"""

import json
import statistics
import sys
import time
import urllib.parse
import urllib.request

import yaml

from geokg.server.app import sample_claims

url = sys.argv[1] + "/reconcile"
actors = yaml.safe_load(sample_claims()[0].read_text())["actors"][:10]
batches = {
    "exact names": {f"q{i}": {"query": a["name"], "type": a["type"], "type_strict": "should", "limit": 3}
                    for i, a in enumerate(actors)},
    "misspelt": {f"q{i}": {"query": a["name"][:2] + a["name"][3:], "type": a["type"], "type_strict": "should",
                           "limit": 3} for i, a in enumerate(actors)},
}
for label, batch in batches.items():
    body = urllib.parse.urlencode({"queries": json.dumps(batch)}).encode()
    times = []
    for _ in range(int(sys.argv[2]) if len(sys.argv) > 2 else 50):
        t = time.perf_counter()
        answer = json.load(urllib.request.urlopen(url, body))
        times.append(time.perf_counter() - t)
    matched = sum(any(r["match"] for r in v["result"]) for v in answer.values())
    print(f"{label}: median {statistics.median(times) * 1000:.1f} ms over {len(times)} batches; {matched}/10 matched")
