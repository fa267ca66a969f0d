// The same with Boost.Fiber: create, run and join an empty fiber, N times in
// batches. Prints ns per fiber.
#include <boost/fiber/all.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

int main(int argc, char **argv) {
  long n = argc > 1 ? std::atol(argv[1]) : 1000000;
  long batch = argc > 2 ? std::atol(argv[2]) : 100;
  std::vector<boost::fibers::fiber> fs;
  fs.reserve(batch);
  auto t0 = std::chrono::steady_clock::now();
  for (long done = 0; done < n; done += batch) {
    for (long i = 0; i < batch; i++) fs.emplace_back([] {});
    for (auto &f : fs) f.join();
    fs.clear();
  }
  auto t1 = std::chrono::steady_clock::now();
  std::printf("%.1f\n", std::chrono::duration<double, std::nano>(t1 - t0).count() / n);
}
