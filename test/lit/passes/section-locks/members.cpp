// C++: members of a class through `this`, a static member, and a member
// function called in a section.
// RUN: rm -rf %t && %clangxx_weft -O1 -fplugin-arg-weft-report=%t -c %s -o /dev/null
// RUN: FileCheck %s --input-file=%t/members.cpp.weft.json
#include <weft/weft.h>
namespace bank {
class Account {
public:
  void deposit(long v) { WEFT_ATOMIC { balance_ += v; } }
  void touch() { WEFT_ATOMIC { note(); } }
  static void count() { WEFT_ATOMIC { opened_++; } }

private:
  void note() { ++notes_; }
  long id_ = 0;
  long balance_ = 0;
  int notes_ = 0;
  static long opened_;
};
long Account::opened_;
} // namespace bank
void use(bank::Account &a) {
  a.deposit(1);
  a.touch();
  bank::Account::count();
}
// CHECK:      "function": "_ZN4bank7Account7depositEl",
// CHECK:        "type:class bank::Account.1"
// CHECK:      "function": "_ZN4bank7Account5touchEv",
// CHECK:        "type:class bank::Account.2"
// CHECK:      "function": "_ZN4bank7Account5countEv",
// CHECK:        "global:_ZN4bank7Account7opened_E"
