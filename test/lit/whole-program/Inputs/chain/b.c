void flush_log(int fd);
void log_event(int fd) { flush_log(fd); }
