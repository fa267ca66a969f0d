#include <weft/weft.h>
long shared_total;
long take(void) { long v; WEFT_ATOMIC { v = shared_total; shared_total = 0; } return v; }
