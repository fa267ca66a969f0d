// Malformed annotations are errors that say what to write instead.
#include <weft/weft.h>

void WEFT_STACK_BOUND(0) parse_header(const char *line);
int WEFT_BLOCKING connection_count;
void WEFT_BLOCKING WEFT_NONBLOCKING flush_all(void);
