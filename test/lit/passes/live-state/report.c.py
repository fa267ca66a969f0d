import json, sys
r = json.load(open(sys.argv[1]))
points = {}
for p in r["blocking_points"]:
    points.setdefault(p["function"], []).append((p["line"], p["callee"], p["live_bytes"], p["pinned_bytes"]))
want = {
    "serve": [(24, "read", 32768, 32772), (26, "pthread_mutex_lock", 8, 32780),
              (28, "pthread_cond_wait", 8, 32780)],
    "spill": [(36, "read", 4, 8)],
    "outer": [(45, "serve", 1000, 1008)],
    "rec": [(55, "rec", 0, 4), (56, "sleep", 0, 4)],
    "entry": [(66, "outer", 0, 8)],
}
assert points == want, points
maxp = {f["name"]: f["max_pinned_bytes"] for f in r["functions"]}
assert maxp == {"cheap": 0, "serve": 32780, "spill": 8, "outer": 1008 + 32780, "rec": None,
                "entry": 8 + 1008 + 32780, "start": 0}, maxp
assert r["thread_entries"] == [{"function": "entry", "max_pinned_bytes": 33796}], r["thread_entries"]
