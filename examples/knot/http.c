/* Knot's HTTP/1.x request parser: see http.h.
 *
 * The parser first finds the end of the head (an empty line), then walks
 * it line by line. Lines end in CRLF or, leniently, a bare LF. It accepts
 * what RFC 9112 calls a request line followed by header fields and rejects
 * everything else with 400, including obsolete line folding and control
 * characters. It reads only the fields the server acts on.
 */
#include "http.h"

#include <string.h>

static int is_tchar(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
    return 1;
  return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static int is_field_char(unsigned char c) {
  return c == '\t' || (c >= 0x20 && c != 0x7f);
}

static int lower(unsigned char c) {
  return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* a[0..n) equals the lower-case string s, ignoring case. */
static int equals_nocase(const char *a, size_t n, const char *s) {
  if (strlen(s) != n)
    return 0;
  for (size_t i = 0; i < n; i++)
    if (lower((unsigned char)a[i]) != (unsigned char)s[i])
      return 0;
  return 1;
}

/* Length of the line at p (without its CR LF / LF) and, in *next, where the
 * following line starts. The caller guarantees a '\n' before end. */
static size_t line_at(const char *p, const char *end, const char **next) {
  const char *nl = memchr(p, '\n', (size_t)(end - p));
  *next = nl + 1;
  size_t n = (size_t)(nl - p);
  if (n > 0 && p[n - 1] == '\r')
    n--;
  return n;
}

/* Offset just past the empty line that ends the head, or 0 if there is none
 * in buf[start..len). */
static size_t find_head_end(const char *buf, size_t start, size_t len) {
  for (size_t i = start; i < len; i++) {
    if (buf[i] != '\n')
      continue;
    size_t j = i + 1;
    if (j < len && buf[j] == '\r')
      j++;
    if (j < len && buf[j] == '\n')
      return j + 1;
  }
  return 0;
}

static long parse_request_line(const char *p, size_t n, struct http_request *req) {
  const char *end = p + n;
  const char *s = p;
  while (s < end && is_tchar((unsigned char)*s))
    s++;
  if (s == p || s == end || *s != ' ')
    return -400;
  req->method_name = p;
  req->method_len = (size_t)(s - p);
  if (req->method_len == 3 && memcmp(p, "GET", 3) == 0)
    req->method = HTTP_GET;
  else if (req->method_len == 4 && memcmp(p, "HEAD", 4) == 0)
    req->method = HTTP_HEAD;
  else
    req->method = HTTP_OTHER;

  const char *t = ++s;
  while (s < end && (unsigned char)*s > 0x20 && (unsigned char)*s < 0x7f)
    s++;
  if (s == t || s == end || *s != ' ')
    return -400;
  req->target = t;
  req->target_len = (size_t)(s - t);

  s++;
  if (end - s != 8 || memcmp(s, "HTTP/", 5) != 0 || s[6] != '.')
    return -400;
  if (s[5] < '0' || s[5] > '9' || s[7] < '0' || s[7] > '9')
    return -400;
  if (s[5] != '1' || (s[7] != '0' && s[7] != '1'))
    return -505;
  req->version_minor = s[7] - '0';
  return 0;
}

/* Reads a Connection value: a comma-separated list of options. */
static void parse_connection(const char *v, size_t n, int *close, int *keep) {
  size_t i = 0;
  while (i < n) {
    while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
      i++;
    size_t start = i;
    while (i < n && v[i] != ',' && v[i] != ' ' && v[i] != '\t')
      i++;
    if (equals_nocase(v + start, i - start, "close"))
      *close = 1;
    else if (equals_nocase(v + start, i - start, "keep-alive"))
      *keep = 1;
  }
}

static long parse_content_length(const char *v, size_t n, long long *out) {
  if (n == 0)
    return -400;
  long long x = 0;
  for (size_t i = 0; i < n; i++) {
    if (v[i] < '0' || v[i] > '9' || x > (1LL << 50))
      return -400;
    x = x * 10 + (v[i] - '0');
  }
  if (*out >= 0 && *out != x)
    return -400;
  *out = x;
  return 0;
}

long http_parse_request(const char *buf, size_t len, size_t max_head,
                        struct http_request *req) {
  memset(req, 0, sizeof *req);
  req->content_length = -1;

  /* Empty lines before the request line are ignored (RFC 9112, 2.2). */
  size_t start = 0;
  while (start < len && start < max_head && (buf[start] == '\r' || buf[start] == '\n'))
    start++;

  size_t head_end = find_head_end(buf, start, len < max_head ? len : max_head);
  if (head_end == 0) {
    if (len < max_head)
      return 0;
    return memchr(buf + start, '\n', max_head - start) ? -431 : -414;
  }

  const char *end = buf + head_end;
  const char *next;
  const char *p = buf + start;
  size_t n = line_at(p, end, &next);
  long err = parse_request_line(p, n, req);
  if (err)
    return err;

  int hosts = 0, close = 0, keep = 0;
  for (p = next; (n = line_at(p, end, &next)) > 0; p = next) {
    const char *colon = p;
    while (colon < p + n && is_tchar((unsigned char)*colon))
      colon++;
    if (colon == p || colon == p + n || *colon != ':')
      return -400;  /* also rejects obs-fold: a line starting with SP/HTAB */
    size_t name_len = (size_t)(colon - p);
    const char *v = colon + 1, *vend = p + n;
    for (const char *c = v; c < vend; c++)
      if (!is_field_char((unsigned char)*c))
        return -400;
    while (v < vend && (*v == ' ' || *v == '\t'))
      v++;
    while (vend > v && (vend[-1] == ' ' || vend[-1] == '\t'))
      vend--;
    size_t vlen = (size_t)(vend - v);

    if (equals_nocase(p, name_len, "host")) {
      hosts++;
    } else if (equals_nocase(p, name_len, "connection")) {
      parse_connection(v, vlen, &close, &keep);
    } else if (equals_nocase(p, name_len, "content-length")) {
      if ((err = parse_content_length(v, vlen, &req->content_length)))
        return err;
    } else if (equals_nocase(p, name_len, "transfer-encoding")) {
      req->chunked = 1;
    } else if (equals_nocase(p, name_len, "if-modified-since")) {
      req->if_modified_since = v;
      req->if_modified_since_len = vlen;
    }
  }

  if (hosts > 1 || (hosts == 0 && req->version_minor == 1))
    return -400;
  if (req->chunked)
    return req->content_length >= 0 ? -400 : -501;
  req->keep_alive = req->version_minor == 1 ? !close : (keep && !close);
  req->head_len = head_end;
  return (long)head_end;
}
