struct Sink {
  virtual ~Sink();
  virtual void put(int v) = 0;
};
Sink *make_sink();
