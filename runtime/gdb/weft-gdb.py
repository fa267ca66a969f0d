# weft: gdb commands for user threads. Loaded automatically from libweft's
# .debug_gdb_scripts section (allow it with `set auto-load safe-path` or
# `add-auto-load-safe-path`), or by hand with `source weft-gdb.py`.
#
#   weft threads          list user threads: id, state, blocking point, name
#   weft bt ID            backtrace of user thread ID (a parked thread's saved
#                         context, or the live frames if it is running)
import gdb

STATES = {0: "runnable", 1: "running", 2: "blocked", 3: "done"}


def _kind_name(kind):
    """The name of a blocking kind, from enum weft_block_kind in libweft's
    debug info (the enum is made from weft/block_kinds.def: WEFT_BLOCK_IO
    is "io"), so this script keeps no list of its own."""
    try:
        for f in gdb.lookup_type("enum weft_block_kind").fields():
            if f.enumval == kind:
                return f.name[len("WEFT_BLOCK_"):].lower()
    except gdb.error:
        pass
    return f"kind {kind}"


MAGIC = 0x77656674  # WEFT_THREAD_MAGIC; 0 on a free descriptor a worker keeps listed


def _threads():
    heads = [gdb.parse_and_eval("*weft_gdb_all_threads")]
    workers = gdb.parse_and_eval("*weft_gdb_workers")
    for i in range(int(gdb.parse_and_eval("*weft_gdb_nworkers"))):
        heads.append(workers[i]["all_head"])
    for t in heads:
        seen = 0
        while int(t) != 0 and seen < 10000000:
            if int(t["magic"]) == MAGIC:
                yield t
            t = t["all_next"]
            seen += 1


class WeftPrefix(gdb.Command):
    """weft user-thread commands: weft threads, weft bt ID."""

    def __init__(self):
        super().__init__("weft", gdb.COMMAND_USER, prefix=True)


class WeftThreads(gdb.Command):
    """List weft user threads."""

    def __init__(self):
        super().__init__("weft threads", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        n = 0
        for t in _threads():
            st = int(t["state"])
            kind = int(t["block_kind"])
            name = t["name"].string()
            where = _kind_name(kind) if st == 2 else ""
            gdb.write("%6d  %-9s %-10s worker %-3d %s\n" % (
                int(t["id"]), STATES.get(st, "?"), where, int(t["last_worker"]), name))
            n += 1
        gdb.write("%d user threads\n" % n)


class WeftBt(gdb.Command):
    """Backtrace of a weft user thread: weft bt ID."""

    def __init__(self):
        super().__init__("weft bt", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        want = int(gdb.parse_and_eval(arg)) if arg else 0
        for t in _threads():
            if int(t["id"]) != want:
                continue
            if int(t["state"]) == 1:
                gdb.write("thread %d is running on worker %d; use `info threads`\n" % (
                    want, int(t["last_worker"])))
                return
            if int(t["ctx_ready"]) == 2:
                gdb.write("thread %d has not run yet\n" % want)
                return
            ctx = int(t["ctx"])
            u64 = gdb.lookup_type("unsigned long").pointer()
            words = [int(gdb.Value(ctx + 8 * i).cast(u64).dereference()) for i in range(8)]
            regs = ["r12", "r13", "r14", "r15", "rbx", "rbp"]
            frame = gdb.selected_frame()
            saved = {r: int(frame.read_register(r)) for r in regs + ["rsp", "rip"]}
            try:
                for i, r in enumerate(regs):
                    gdb.execute("set $%s = %d" % (r, words[i + 1]), to_string=True)
                gdb.execute("set $rsp = %d" % (ctx + 0x40), to_string=True)
                gdb.execute("set $rip = %d" % words[7], to_string=True)
                gdb.write(gdb.execute("bt", to_string=True))
            finally:
                for r, v in saved.items():
                    gdb.execute("set $%s = %d" % (r, v), to_string=True)
            return
        gdb.write("no weft user thread %d\n" % want)


WeftPrefix()
WeftThreads()
WeftBt()
