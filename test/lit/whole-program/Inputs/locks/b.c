static int hits;
void touch(void) { hits++; }
