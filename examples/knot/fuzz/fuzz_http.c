/* libFuzzer target for Knot's request parser (http.c).
 *
 * Besides "no crash, no out-of-bounds read" (AddressSanitizer), it checks
 * the parser's promises: a positive result is within the input and the
 * head limit, every string it returns lies inside the input, and the error
 * codes are the documented ones.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

static void check_inside(const uint8_t *d, size_t n, const char *p, size_t len) {
  if (p && ((const uint8_t *)p < d || (const uint8_t *)p + len > d + n))
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  /* a private copy, exactly size bytes: reads past the end are caught */
  char *buf = malloc(size ? size : 1);
  if (!buf)
    return 0;
  memcpy(buf, data, size);
  size_t max_head = 1024;
  struct http_request req;
  long r = http_parse_request(buf, size, max_head, &req);
  if (r > 0) {
    if ((size_t)r > size || (size_t)r > max_head || (size_t)r != req.head_len)
      abort();
    const uint8_t *d = (const uint8_t *)buf;
    check_inside(d, size, req.method_name, req.method_len);
    check_inside(d, size, req.target, req.target_len);
    check_inside(d, size, req.if_modified_since, req.if_modified_since_len);
    if (req.version_minor != 0 && req.version_minor != 1)
      abort();
    /* parsing only the head again gives the same answer */
    struct http_request again;
    if (http_parse_request(buf, (size_t)r, max_head, &again) != r)
      abort();
  } else if (r < 0) {
    if (r != -400 && r != -414 && r != -431 && r != -505 && r != -501)
      abort();
  } else if (size >= max_head) {
    abort();  /* "incomplete" is only allowed below the limit */
  }
  free(buf);
  return 0;
}
