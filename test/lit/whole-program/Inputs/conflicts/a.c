#include <weft/weft.h>
int left[16], right[16];
void touch_log(void);
void move_left(int i) { WEFT_ATOMIC { left[i]--; left[i + 1]++; } }
void move_right(int i) { WEFT_ATOMIC { right[i]--; right[i + 1]++; } }
void audit(void) { WEFT_ATOMIC { touch_log(); } }
