# Walks the stopped thread's frames from the newest outwards and counts
# them by function: every level of the recursion and every segment switch
# (__morestack) must be there, and the walk must end below the thread's
# entry function rather than stop at a boundary.
import gdb

counts = {}
names = []
f = gdb.newest_frame()
while f is not None:
    name = f.name() or "??"
    counts[name] = counts.get(name, 0) + 1
    names.append(name)
    f = f.older()
entry = names.index("segments_thread") if "segments_thread" in names else -1
print("frames: descend %d, __morestack %d, __weft_call_on_new_segment %d"
      % (counts.get("descend", 0), counts.get("__morestack", 0),
         counts.get("__weft_call_on_new_segment", 0)))
print("entry: %s after %s"
      % (names[entry] if entry >= 0 else "missing", names[entry - 1] if entry > 0 else "-"))
