/* api: embeds gdb/weft-gdb.py in libweft's .debug_gdb_scripts section (an
 * inline Python script, entry type 4), so gdb loads the weft commands with
 * the library. */
__asm__(".pushsection \".debug_gdb_scripts\", \"MS\",@progbits,1\n"
        ".byte 4\n"
        ".ascii \"weft-gdb.py\\n\"\n"
        ".incbin \"" WEFT_GDB_SCRIPT "\"\n"
        ".byte 0\n"
        ".popsection\n");
