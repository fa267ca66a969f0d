#!/usr/bin/env python3
"""Holds N connections to 127.0.0.1:PORT open, each having sent half a
request (a request line and one header, never the blank line that ends the
head). Prints "ready N" once all are connected, then waits for SIGTERM or
for SECONDS to pass, prints how many the server still kept open, and exits
(closing them all).

    stall.py PORT N SECONDS
"""
import signal
import socket
import sys
import time

port, count, seconds = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
half = b"GET /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\n"
held = []
for i in range(count):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(half)
    held.append(s)
print(f"ready {len(held)}", flush=True)
stop = []
signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
deadline = time.monotonic() + seconds
while not stop and time.monotonic() < deadline:
    time.sleep(0.1)
alive = 0
for s in held:
    s.setblocking(False)
    try:
        alive += s.recv(1) != b""
    except BlockingIOError:
        alive += 1
    except OSError:
        pass
    s.close()
print(f"still open at the end: {alive}", flush=True)
