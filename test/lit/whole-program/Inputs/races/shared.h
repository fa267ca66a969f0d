void *worker(void *arg);
void init_stats(void);
int report_stats(void);
void count_request(void);
void count_locked(void);
void add_bytes(long n);
void count_hit(int hit);
extern long requests, locked_requests, bytes;
