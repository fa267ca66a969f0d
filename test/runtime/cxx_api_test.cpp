// The C++ API: weft::thread, weft::mutex, weft::condition_variable,
// weft::channel<T>.
#include <gtest/gtest.h>

#include <vector>

#include "weft/weft.hpp"

TEST(CxxApi, ThreadsMutexCondvarChannel) {
  weft::mutex m;
  weft::condition_variable cv;
  int stage = 0;
  long total = 0;
  weft::channel<int> ch(4);
  std::vector<weft::thread> ts;
  for (int i = 0; i < 4; i++)
    ts.emplace_back([&, i] {
      {
        std::unique_lock<weft::mutex> lk(m);
        cv.wait(lk, [&] { return stage == 1; });
      }
      for (int k = 0; k < 100; k++) ch.send(i * 100 + k);
    });
  {
    std::lock_guard<weft::mutex> g(m);
    stage = 1;
  }
  cv.notify_all();
  for (int k = 0; k < 400; k++) {
    int v;
    ASSERT_TRUE(ch.recv(v));
    total += v;
  }
  for (auto &t : ts) t.join();
  EXPECT_EQ(total, 399L * 400 / 2);
  std::unique_lock<weft::mutex> lk(m);
  EXPECT_EQ(cv.wait_for(lk, std::chrono::milliseconds(2)), weft::cv_status::timeout);
  ch.close();
  int v;
  EXPECT_FALSE(ch.recv(v));
}

TEST(CxxApi, StackSizeAndSleep) {
  bool ran = false;
  weft::thread t(weft::stack_size{16 * 1024}, [&] {
    weft::this_thread::sleep_for(std::chrono::milliseconds(1));
    ran = weft::this_thread::id() != 0;
  });
  t.join();
  EXPECT_TRUE(ran);
}
