#!/usr/bin/env python3
"""End-to-end tests of Knot through its real port, with real clients.

    test_knot.py PATH/TO/knot-or-knot-pthread

Starts the server on an ephemeral loopback port (--port 0; the server
prints the port it got) over a generated document root, then talks to it
with raw sockets and with curl. Every case is bounded in time; the whole
run takes well under a minute. Exit status 0 when every case passed.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

KNOT = os.path.abspath(sys.argv[1])
TIMEOUT = 5.0
failures = []


class Server:
    def __init__(self, root, *args):
        self.proc = subprocess.Popen(
            [KNOT, "--port", "0", "--root", root, *args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        line = self.proc.stdout.readline()
        if "port" not in line:
            raise RuntimeError(f"knot did not start: {line!r}")
        self.port = int(line.rsplit("port", 1)[1])

    def connect(self):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=TIMEOUT)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return s

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def read_response(sock, head_only=False, data=b""):
    """Reads one response (data: bytes already read from sock); returns
    (status, headers dict, body, leftover bytes)."""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise EOFError(f"connection closed after {data!r}")
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        k, v = line.split(":", 1)
        headers[k.strip().lower()] = v.strip()
    length = 0 if head_only else int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise EOFError("connection closed inside a body")
        rest += chunk
    return status, headers, rest[:length], rest[length:]


def exchange(server, raw, head_only=False):
    with server.connect() as s:
        s.sendall(raw)
        return read_response(s, head_only)


def closed_by_peer(sock, within):
    """True if the server closes sock within `within` seconds."""
    sock.settimeout(within)
    try:
        while True:
            if not sock.recv(4096):
                return True
    except (socket.timeout, TimeoutError):
        return False
    except ConnectionResetError:
        return True


def case(fn):
    name = fn.__name__
    start = time.monotonic()
    try:
        fn()
        print(f"PASS {name} ({time.monotonic() - start:.2f}s)")
    except Exception as e:  # noqa: BLE001 - every failure is reported
        failures.append(name)
        print(f"FAIL {name}: {type(e).__name__}: {e}")
    sys.stdout.flush()
    return fn


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def get(path, extra=""):
    return f"GET {path} HTTP/1.1\r\nHost: t\r\n{extra}\r\n".encode()


def curl(*args):
    r = subprocess.run(["curl", "-sS", "--max-time", "10", *args],
                       capture_output=True, timeout=20)
    return r.stdout


# ---- the document root -------------------------------------------------

work = tempfile.mkdtemp(prefix="knot-test-")
root = os.path.join(work, "root")
os.makedirs(os.path.join(root, "sub"))
SECRET = b"secret-outside-the-root"
with open(os.path.join(work, "secret"), "wb") as f:
    f.write(SECRET)
files = {
    "index.html": b"<html>knot index</html>\n",
    "style.css": b"body { color: black }\n",
    "page.8k.bin": bytes(range(256)) * 32,
    "sub/index.html": b"<html>sub index</html>\n",
    "big.bin": os.urandom(3 << 20),  # over the 1 MiB cacheable size: sendfile
}
for name, data in files.items():
    with open(os.path.join(root, name), "wb") as f:
        f.write(data)
os.symlink(os.path.join(work, "secret"), os.path.join(root, "out"))
os.symlink("../secret", os.path.join(root, "sub", "up"))
os.symlink("index.html", os.path.join(root, "inside"))

main = Server(root, "--status", "--idle-timeout", "2", "--workers", "2",
              "--policy", "active", "--cache-mb", "1")


@case
def get_index():
    st, h, body, _ = exchange(main, get("/"))
    check(st == 200, f"status {st}")
    check(body == files["index.html"], "body")
    check(h["content-type"].startswith("text/html"), h["content-type"])
    check("last-modified" in h and h["last-modified"].endswith("GMT"), "Last-Modified")
    check("date" in h, "Date")


@case
def content_types():
    for path, want in [("/style.css", "text/css"),
                       ("/page.8k.bin", "application/octet-stream"),
                       ("/sub/index.html", "text/html")]:
        st, h, body, _ = exchange(main, get(path))
        check(st == 200 and h["content-type"].startswith(want), f"{path}: {st} {h}")
        check(body == files[path[1:]], f"{path}: body")


@case
def curl_get_and_big_file_by_sendfile():
    out = curl(main.url("/big.bin"))
    check(out == files["big.bin"], f"big file: got {len(out)} bytes")
    out = curl(main.url("/page.8k.bin"))
    check(out == files["page.8k.bin"], "8k file")


@case
def head_has_no_body_and_connection_stays_usable():
    with main.connect() as s:
        s.sendall(f"HEAD /page.8k.bin HTTP/1.1\r\nHost: t\r\n\r\n".encode())
        st, h, _, rest = read_response(s, head_only=True)
        check(st == 200 and h["content-length"] == "8192", f"{st} {h}")
        check(rest == b"", f"HEAD sent a body: {rest[:40]!r}")
        s.sendall(get("/index.html"))
        st, _, body, _ = read_response(s)
        check(st == 200 and body == files["index.html"], "GET after HEAD")


@case
def keep_alive_many_requests_one_connection():
    with main.connect() as s:
        for i in range(50):
            s.sendall(get("/style.css" if i % 2 else "/index.html"))
            st, h, body, rest = read_response(s)
            check(st == 200 and rest == b"", f"request {i}: {st}")
            check("connection" not in h, "no Connection: close on keep-alive")


@case
def http10_closes_unless_keep_alive():
    with main.connect() as s:
        s.sendall(b"GET / HTTP/1.0\r\n\r\n")
        st, h, _, _ = read_response(s)
        check(st == 200 and h.get("connection") == "close", str(h))
        check(closed_by_peer(s, 2), "HTTP/1.0 connection not closed")
    with main.connect() as s:
        for _ in range(2):
            s.sendall(b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            st, _, _, _ = read_response(s)
            check(st == 200, "1.0 keep-alive")


@case
def pipelining_answers_in_order():
    paths = ["/index.html", "/style.css", "/missing", "/sub/", "/page.8k.bin"] * 4
    with main.connect() as s:
        s.sendall(b"".join(get(p) for p in paths))
        buf = b""
        for p in paths:
            st, _, body, buf = read_response(s, data=buf)
            if p == "/missing":
                check(st == 404, f"{p}: {st}")
            else:
                want = files["sub/index.html" if p == "/sub/" else p[1:]]
                check(st == 200 and body == want, f"{p}: {st}")


@case
def conditional_get_304():
    st, h, _, _ = exchange(main, get("/style.css"))
    lm = h["last-modified"]
    st, h, body, _ = exchange(main, get("/style.css", f"If-Modified-Since: {lm}\r\n"))
    check(st == 304 and body == b"", f"{st}")


@case
def directory_without_slash_redirects():
    st, h, _, _ = exchange(main, get("/sub?x=1"))
    check(st == 301 and h["location"] == "/sub/", f"{st} {h}")


def expect_error(raw, status, closes=True):
    with main.connect() as s:
        s.sendall(raw)
        st, h, body, _ = read_response(s)
        check(st == status, f"got {st}, want {status}")
        check(str(status).encode() in body and h["content-type"].startswith("text/html"),
              f"error body {body!r}")
        if closes:
            check(h.get("connection") == "close", "Connection: close")
            check(closed_by_peer(s, 2), "connection not closed after the error")
        return h


@case
def error_400_malformed():
    expect_error(b"GET /\r\n\r\n", 400)
    expect_error(b"GET / HTTP/1.1\r\n\r\n", 400)  # no Host
    expect_error(b"GET / HTTP/1.1\r\nHost: t\r\n folded\r\n\r\n", 400)
    expect_error(b"GET index.html HTTP/1.1\r\nHost: t\r\n\r\n", 400)


@case
def error_404_and_connection_stays():
    with main.connect() as s:
        s.sendall(get("/nope.html"))
        st, h, body, _ = read_response(s)
        check(st == 404 and b"404" in body, f"{st}")
        s.sendall(get("/"))
        check(read_response(s)[0] == 200, "request after 404")


@case
def error_405_other_methods():
    for m in [b"DELETE", b"POST", b"PUT", b"OPTIONS"]:
        h = expect_error(m + b" / HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n", 405,
                         closes=False)
        check(h.get("allow") == "GET, HEAD", f"Allow: {h.get('allow')}")


@case
def error_413_large_body():
    expect_error(b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 10000000\r\n\r\n", 413)


@case
def small_body_is_skipped():
    with main.connect() as s:
        s.sendall(b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello" + get("/"))
        st, _, _, rest = read_response(s)
        check(st == 405, f"{st}")
        st, _, body, _ = read_response(s, data=rest)
        check(st == 200 and body == files["index.html"], "request after a body")


@case
def error_414_and_431_limits():
    expect_error(b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: t\r\n\r\n", 414)
    expect_error(b"GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + b"b" * 9000 + b"\r\n\r\n", 431)
    many = b"".join(b"X-%d: v\r\n" % i for i in range(2000))
    expect_error(b"GET / HTTP/1.1\r\nHost: t\r\n" + many + b"\r\n", 431)


@case
def error_answer_reaches_a_client_still_sending():
    """A 200 KB header gets 431 after Knot has read 8 KiB of it, while the
    client (as curl does) is still sending the rest and reads only then.
    Knot must shut its side down and drain before closing: closing with
    input unread makes the kernel answer the client's next bytes with a
    reset, and the client's send fails before it reads the answer. A small
    send buffer keeps the client sending after Knot has answered."""
    header = b"GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + b"b" * 200_000 + b"\r\n\r\n"
    for i in range(5):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
            s.settimeout(TIMEOUT)
            s.connect(("127.0.0.1", main.port))
            try:
                s.sendall(header)
            except OSError as e:
                raise AssertionError(f"round {i}: sending the request failed: {e}")
            st, h, body, _ = read_response(s)
            check(st == 431 and b"431" in body, f"round {i}: got {st}")
            check(h.get("connection") == "close", f"round {i}: Connection: close")
            check(closed_by_peer(s, 5), f"round {i}: not closed after the drain")
        finally:
            s.close()


@case
def error_505_version():
    expect_error(b"GET / HTTP/2.0\r\nHost: t\r\n\r\n", 505)
    expect_error(b"GET / HTTP/1.7\r\nHost: t\r\n\r\n", 505)


@case
def error_501_transfer_encoding():
    expect_error(b"POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n", 501)


@case
def traversal_never_leaves_the_root():
    attempts = {
        "/../secret": 400,
        "/sub/../../secret": 400,
        "/%2e%2e/secret": 400,
        "/%2E%2E/%2e%2E/secret": 400,
        "/sub/%2e%2e/%2e%2e/secret": 400,
        "/..%2fsecret": 400,
        "/sub%2f..%2f..%2fsecret": 400,
        "/index.html%00.txt": 400,
        "/%00": 400,
        "/%zz": 400,
        "/%2": 400,
        "/out": 404,          # symlink to a file outside the root
        "/sub/up": 404,       # relative symlink that climbs out
        "/.%2e/secret": 400,
    }
    for path, want in attempts.items():
        with main.connect() as s:
            s.sendall(get(path))
            data = b""
            s.settimeout(TIMEOUT)
            st, _, body, _ = read_response(s)
            check(SECRET not in body, f"{path} leaked the secret")
            check(st == want, f"{path}: got {st}, want {want}")
    # legitimate forms of the same names still work
    for path, name in [("/sub/../index.html", "index.html"), ("/./style.css", "style.css"),
                       ("/%69ndex.html", "index.html"), ("//sub//index.html", "sub/index.html"),
                       ("/inside", "index.html"), ("/index.html?q=../../secret", "index.html")]:
        st, _, body, _ = exchange(main, get(path))
        check(st == 200 and body == files[name], f"{path}: {st}")
    out = curl("--path-as-is", main.url("/../../secret"))
    check(SECRET not in out, "curl --path-as-is leaked the secret")


@case
def status_page():
    st, h, body, _ = exchange(main, get("/weft-status"))
    check(st == 200 and h["content-type"] == "application/json", f"{st}")
    doc = json.loads(body)
    check(doc["server"] == "knot" and doc["connections"]["active"] >= 1, str(doc))
    check(doc["cache"]["limit"] == 1 << 20, "cache limit from --cache-mb")
    check(doc["requests"] > 10, "request count")


@case
def cache_is_bounded():
    # 1 MiB cache: 200 distinct 8 KiB files do not fit; the cache evicts.
    for i in range(200):
        with open(os.path.join(root, f"f{i}.txt"), "wb") as f:
            f.write(b"%d" % i * 4000)
    with main.connect() as s:
        for i in range(200):
            s.sendall(get(f"/f{i}.txt"))
            st, _, body, _ = read_response(s)
            check(st == 200 and body == b"%d" % i * 4000, f"f{i}")
    doc = json.loads(exchange(main, get("/weft-status"))[2])
    check(doc["cache"]["bytes"] <= 1 << 20, f"cache bytes {doc['cache']['bytes']}")
    check(doc["cache"]["evictions"] > 0, "no evictions")


@case
def file_changes_are_seen():
    p = os.path.join(root, "changing.txt")
    with open(p, "wb") as f:
        f.write(b"one")
    check(exchange(main, get("/changing.txt"))[2] == b"one", "first version")
    time.sleep(1.2)
    with open(p + ".new", "wb") as f:
        f.write(b"two!")
    os.replace(p + ".new", p)
    time.sleep(1.2)
    check(exchange(main, get("/changing.txt"))[2] == b"two!", "second version")


@case
def idle_timeout_closes_silent_and_stalled_connections():
    start = time.monotonic()
    silent = main.connect()
    stalled = main.connect()
    stalled.sendall(b"GET / HTTP/1.1\r\nHost: t\r\n")  # half a request
    check(closed_by_peer(silent, 5), "silent connection kept open")
    check(closed_by_peer(stalled, 5), "stalled connection kept open")
    took = time.monotonic() - start
    check(1.5 < took < 5, f"closed after {took:.1f}s, idle timeout is 2s")
    silent.close()
    stalled.close()


@case
def idle_timeout_closes_a_client_that_stops_reading():
    status = main.connect()  # one connection for every status query: it counts once

    def active():
        status.sendall(get("/weft-status"))
        return json.loads(read_response(status)[2])["connections"]["active"]
    time.sleep(0.5)  # connections of earlier cases finish closing
    before = active()
    reader = main.connect()
    reader.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    for _ in range(4):
        reader.sendall(get("/big.bin"))  # 12 MiB of responses, never read
    time.sleep(0.5)
    check(active() == before + 1, "the stalled reader is not counted")
    deadline = time.monotonic() + 15
    while active() > before and time.monotonic() < deadline:
        time.sleep(0.25)
    check(active() == before, "a client that stopped reading still holds its thread")
    reader.close()
    status.close()


@case
def many_concurrent_connections():
    n = 300
    results = []
    socks = [main.connect() for _ in range(n)]
    for s in socks:
        s.sendall(get("/page.8k.bin"))
    for s in socks:
        st, _, body, _ = read_response(s)
        results.append(st == 200 and len(body) == 8192)
        s.close()
    check(all(results), f"{results.count(False)} of {n} failed")


@case
def status_off_by_default_and_limit_503():
    d = os.path.join(work, "limit-root")
    os.makedirs(d)
    with open(os.path.join(d, "index.html"), "w") as f:
        f.write("x")
    srv = Server(d, "--max-connections", "3")
    try:
        st, _, _, _ = exchange(srv, get("/weft-status"))
        check(st == 404, f"/weft-status without --status: {st}")
        held = [srv.connect() for _ in range(3)]
        for s in held:  # make sure each is accepted and counted
            s.sendall(get("/"))
            read_response(s)
        st, h, body, _ = exchange(srv, get("/"))
        check(st == 503, f"over the limit: {st}")
        for s in held:
            s.close()
        time.sleep(0.5)
        check(exchange(srv, get("/"))[0] == 200, "after the limit freed")
    finally:
        check(srv.stop() == 0, "exit status")


@case
def graceful_shutdown():
    srv = Server(root, "--idle-timeout", "60")
    idle = srv.connect()
    idle.sendall(get("/"))
    read_response(idle)
    busy = srv.connect()
    busy.sendall(get("/big.bin"))
    time.sleep(0.2)
    srv.proc.send_signal(signal.SIGINT)
    # the response in flight is finished, then the connection closes
    st, h, body, _ = read_response(busy)
    check(st == 200 and body == files["big.bin"], "response cut off by shutdown")
    check(closed_by_peer(idle, 5), "idle connection not closed at shutdown")
    try:
        code = srv.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        srv.proc.kill()
        raise AssertionError("server did not exit within 10 s")
    check(code == 0, f"exit status {code}")
    try:
        socket.create_connection(("127.0.0.1", srv.port), timeout=1).close()
        raise AssertionError("still accepting after shutdown")
    except OSError:
        pass
    idle.close()
    busy.close()


@case
def bad_options_are_errors():
    for args in [["--port", "x", "--root", root], ["--root", root, "--policy", "fast"],
                 ["--port", "0"], ["--root", "/nonexistent/dir", "--port", "0"],
                 ["--bogus"]]:
        r = subprocess.run([KNOT, *args], capture_output=True, text=True, timeout=10)
        check(r.returncode != 0 and "knot:" in r.stderr, f"{args}: {r.returncode} {r.stderr}")
    r = subprocess.run([KNOT, "--help"], capture_output=True, text=True, timeout=10)
    check(r.returncode == 0 and "--policy" in r.stdout, "--help")


code = main.stop()
if code != 0:
    failures.append("main server exit status")
    print(f"FAIL main server exited with {code}: {main.proc.stdout.read()}")
shutil.rmtree(work, ignore_errors=True)
print(f"{len(failures)} failure(s)" if failures else "all knot tests passed")
sys.exit(1 if failures else 0)
