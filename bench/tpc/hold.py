#!/usr/bin/env python3
"""hold.py PORT N PID: opens N connections to the server on loopback, sends
one request on each and reads its answer (so every connection has a thread
that has served and now waits in recv), then prints the server's resident
bytes per connection (VmRSS of PID after minus before, over N) and closes
them all."""
import socket
import sys
import time


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


port, n, pid = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
req = b"GET / HTTP/1.1\r\nHost: t\r\n\r\n"
before = rss_kib(pid)
socks = []
for i in range(n):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(req)
    socks.append(s)
for s in socks:
    got = b""
    while not got.endswith(b"hello, world\n"):
        chunk = s.recv(4096)
        if not chunk:
            sys.exit(f"hold.py: a connection closed early after {got!r}")
        got += chunk
time.sleep(0.5)
after = rss_kib(pid)
print(f"{n} {(after - before) * 1024 / n:.0f}")
for s in socks:
    s.close()
