/* Unit tests of Knot's request parser (http.c): one case per rule. */
#include <stdio.h>
#include <string.h>

#include "http.h"

static int failures;

/* Parses text with a 256-byte head limit and checks the result. */
static struct http_request expect_n(const char *name, const char *text, size_t len,
                                    long want) {
  struct http_request req;
  long got = http_parse_request(text, len, 256, &req);
  if (got != want) {
    printf("FAIL %s: got %ld, want %ld\n", name, got, want);
    failures++;
  }
  return req;
}

/* want: the expected result; WHOLE: the head is the whole text. */
#define WHOLE 1000000
static struct http_request expect(const char *name, const char *text, long want) {
  return expect_n(name, text, strlen(text), want == WHOLE ? (long)strlen(text) : want);
}

static void check(const char *name, int ok) {
  if (!ok) {
    printf("FAIL %s\n", name);
    failures++;
  }
}

int main(void) {
  const char *get = "GET /a/b.html?x=1 HTTP/1.1\r\nHost: h\r\n\r\n";
  struct http_request r = expect("get", get, (long)strlen(get));
  check("get method", r.method == HTTP_GET);
  check("get target", r.target_len == 13 && memcmp(r.target, "/a/b.html?x=1", 13) == 0);
  check("get keep-alive by default in 1.1", r.keep_alive && r.version_minor == 1);
  check("get no body", r.content_length == -1 && !r.chunked);

  r = expect("head 1.0", "HEAD / HTTP/1.0\r\n\r\n", 19);
  check("head method", r.method == HTTP_HEAD);
  check("1.0 closes by default", !r.keep_alive);
  r = expect("1.0 keep-alive", "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", 42);
  check("1.0 keep-alive honoured", r.keep_alive);
  r = expect("1.1 close", "GET / HTTP/1.1\r\nHost: h\r\nConnection: foo, close\r\n\r\n", WHOLE);
  check("1.1 close honoured", !r.keep_alive);

  r = expect("bare LF", "GET / HTTP/1.1\nHost: h\n\n", 24);
  check("bare LF keep-alive", r.keep_alive);
  expect("leading CRLF", "\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n", 29);

  const char *two = "GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\n";
  r = expect("pipelined: first only", two, 28);
  check("pipelined target", r.target_len == 2 && r.target[1] == '1');

  expect("incomplete line", "GET / HTTP/1.1", 0);
  expect("incomplete head", "GET / HTTP/1.1\r\nHost: h\r\n", 0);
  expect("empty", "", 0);

  r = expect("other method", "DELETE /x HTTP/1.1\r\nHost: h\r\n\r\n", 31);
  check("other method is HTTP_OTHER", r.method == HTTP_OTHER);
  r = expect("lower-case get", "get / HTTP/1.1\r\nHost: h\r\n\r\n", 27);
  check("methods are case-sensitive", r.method == HTTP_OTHER);

  r = expect("content-length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 12\r\n\r\n", 48);
  check("content-length value", r.content_length == 12);
  r = expect("if-modified-since",
             "GET / HTTP/1.1\r\nHost: h\r\nIf-Modified-Since:  Sat, 01 Jan 2000 00:00:00 GMT \r\n\r\n",
             WHOLE);
  check("if-modified-since value trimmed",
        r.if_modified_since_len == 29 && memcmp(r.if_modified_since, "Sat", 3) == 0);

  expect("missing host in 1.1", "GET / HTTP/1.1\r\n\r\n", -400);
  expect("two hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", -400);
  expect("no target", "GET HTTP/1.1\r\nHost: h\r\n\r\n", -400);
  expect("double space", "GET  / HTTP/1.1\r\nHost: h\r\n\r\n", -400);
  expect("bad version", "GET / HTTX/1.1\r\nHost: h\r\n\r\n", -400);
  expect("version 2.0", "GET / HTTP/2.0\r\nHost: h\r\n\r\n", -505);
  expect("version 1.2", "GET / HTTP/1.2\r\nHost: h\r\n\r\n", -505);
  expect("version 0.9", "GET / HTTP/0.9\r\n\r\n", -505);
  expect("space before colon", "GET / HTTP/1.1\r\nHost : h\r\n\r\n", -400);
  expect("obs-fold", "GET / HTTP/1.1\r\nHost: h\r\n X: y\r\n\r\n", -400);
  expect("control char in value", "GET / HTTP/1.1\r\nHost: h\x01\r\n\r\n", -400);
  static const char nul_target[] = "GET /a\0b HTTP/1.1\r\nHost: h\r\n\r\n";
  expect_n("NUL in target", nul_target, sizeof nul_target - 1, -400);
  static const char nul_header[] = "GET / HTTP/1.1\r\nHost: h\0\r\n\r\n";
  expect_n("NUL in header", nul_header, sizeof nul_header - 1, -400);
  expect("non-digit content-length", "GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1x\r\n\r\n", -400);
  expect("conflicting content-length",
         "GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", -400);
  expect("huge content-length",
         "GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999\r\n\r\n", -400);
  expect("transfer-encoding", "GET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n", -501);
  expect("transfer-encoding and length",
         "GET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", -400);

  char big[400];
  memset(big, 'a', sizeof big);
  memcpy(big, "GET /", 5);
  big[sizeof big - 1] = '\0';
  expect("request line over the limit", big, -414);
  memcpy(big, "GET / HTTP/1.1\r\nX: ", 19);
  expect("headers over the limit", big, -431);

  if (failures) {
    printf("%d failure(s)\n", failures);
    return 1;
  }
  printf("all parser tests passed\n");
  return 0;
}
