#include <weft/weft.h>
extern long shared_total;
void add(long v) { WEFT_ATOMIC { shared_total += v; } }
