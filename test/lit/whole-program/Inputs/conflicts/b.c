#include <weft/weft.h>
extern int left[16];
static int log_count;
void touch_log(void) { log_count++; }
void across(int i) { WEFT_ATOMIC { left[i]++; touch_log(); } }
