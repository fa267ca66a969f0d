/* context: the start frame weft_context_make copies (see context.h).
 *
 * make_fcontext writes some words below the stack top (the entry, a
 * trampoline, the FPU control words) and leaves others (registers the
 * first jump loads, which the entry does not read). Three frames are made:
 * two at one place over different fillings, which tells the words it
 * writes from those it leaves, and one at another place, which must agree
 * on every written word (nothing in the frame may depend on where the
 * stack is). The 64 bytes below the top are then copied whole, with zeros
 * where nothing was written. If the frame is larger than that, or depends
 * on its place, weft_context_make calls make_fcontext each time. */
#include "context/context.h"

#include <string.h>

struct weft_context_proto weft_context_proto;

enum { SCRATCH = 1024, PROTO = sizeof weft_context_proto.bytes };

void weft_context_proto_init(void (*fn)(struct weft_transfer)) {
  static _Alignas(64) unsigned char a[SCRATCH], b[SCRATCH], c[SCRATCH + 64];
  memset(a, 0x00, sizeof a);
  memset(b, 0xFF, sizeof b);
  memset(c, 0x00, sizeof c);
  unsigned char *ta = a + SCRATCH, *tb = b + SCRATCH, *tc = c + SCRATCH + 48;
  unsigned char *ca = (unsigned char *)make_fcontext(ta, SCRATCH, fn);
  unsigned char *cb = (unsigned char *)make_fcontext(tb, SCRATCH, fn);
  unsigned char *cc = (unsigned char *)make_fcontext(tc, SCRATCH, fn);
#if defined(__x86_64__)
  memcpy(weft_context_proto.fpu, ca, 8); /* mxcsr, x87 cw: the frame's first words */
#endif
  if (ca > ta || (size_t)(ta - ca) > PROTO || tb - cb != ta - ca || tc - cc != ta - ca)
    return;
  struct weft_context_proto p = {.below = (unsigned)(ta - ca)};
  memcpy(p.fpu, weft_context_proto.fpu, sizeof p.fpu);
  for (size_t i = 0; i < PROTO; i++) {
    size_t at = SCRATCH - PROTO + i; /* the same byte of each frame */
    int written = a[at] == b[at];
    if (written && c[at + 48] != a[at]) return; /* depends on the place */
    p.bytes[i] = written ? a[at] : 0;
  }
  p.ok = 1;
  weft_context_proto = p;
}
