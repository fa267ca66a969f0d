/* Knot's HTTP/1.x request parser.
 *
 * A pure function over a byte buffer: no allocation, no I/O, no globals, so
 * it can be unit-tested and fuzzed on its own (fuzz/fuzz_http.c). The server
 * calls it each time more bytes arrive; it either says "not yet complete",
 * returns a parsed request head, or says which error status to send.
 *
 * Strings in struct http_request point into the caller's buffer.
 */
#ifndef KNOT_HTTP_H
#define KNOT_HTTP_H

#include <stddef.h>

enum http_method { HTTP_GET, HTTP_HEAD, HTTP_OTHER };

struct http_request {
  enum http_method method;
  const char *method_name;    /* the method token as sent */
  size_t method_len;
  const char *target;         /* request-target, raw (not decoded) */
  size_t target_len;
  int version_minor;          /* 0 or 1 (HTTP/1.0 or HTTP/1.1) */
  int keep_alive;             /* after this request, per version + Connection */
  long long content_length;   /* -1 when absent */
  int chunked;                /* Transfer-Encoding was sent */
  const char *if_modified_since;  /* null when absent */
  size_t if_modified_since_len;
  size_t head_len;            /* bytes of the request line + headers + blank line */
};

/* Parses the request head at the start of buf[0..len).
 *
 * Returns
 *   > 0  the head is complete and valid: the number of bytes it takes
 *        (req->head_len); a body, if any, follows;
 *   0    the head is incomplete (and still within max_head): read more;
 *   < 0  minus the status code to answer with, then close:
 *        -400 malformed, -414 request line longer than max_head,
 *        -431 headers longer than max_head, -505 HTTP version not 1.0/1.1,
 *        -501 a Transfer-Encoding (Knot takes no request bodies in chunks).
 * A method other than GET or HEAD parses fine (HTTP_OTHER): the server
 * answers it with 405.
 */
long http_parse_request(const char *buf, size_t len, size_t max_head,
                        struct http_request *req);

#endif
