# lit configuration for weft's plugin and pass tests.
import os
import lit.formats

config.name = "weft"
config.test_format = lit.formats.ShTest(execute_external=True)
config.suffixes = [".c", ".cpp", ".ll", ".test"]

config.excludes = ["Inputs", "CMakeLists.txt", "sarif.c.py", "run_csmith.py", "soundness.py", "tools"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.weft_obj_root, "test", "lit")

config.environment["PATH"] = os.pathsep.join(
    [config.llvm_tools_dir, os.path.join(config.weft_obj_root, "bin"),
     config.environment.get("PATH", os.environ.get("PATH", ""))])

import shutil
# Headless Chromium renders weft-check's HTML page (scripts/setup installs it).
if shutil.which("chromium"):
    config.available_features.add("chromium")

clang = "clang-19" if not config.clang.endswith("clang-19") else config.clang
clangxx = "clang++-19" if not config.clangxx.endswith("clang++-19") else config.clangxx
plugin = config.weft_plugin
inc = config.weft_include

config.substitutions.append(("%weft_plugin", plugin))
config.substitutions.append(("%weft_include", inc))
config.substitutions.append(("%weft_src", config.weft_src_root))
config.substitutions.append(("%weft_obj", config.weft_obj_root))
config.substitutions.append(("%weft_runtime_layers", config.weft_runtime_layers))
# Compile with the plugin, checking diagnostics with -verify.
config.substitutions.append(
    ("%clang_weft_verify",
     "%s -fplugin=%s -I%s -c -o /dev/null -Xclang -verify" % (clang, plugin, inc)))
config.substitutions.append(
    ("%clangxx_weft_verify",
     "%s -fplugin=%s -I%s -c -o /dev/null -Xclang -verify" % (clangxx, plugin, inc)))
config.substitutions.append(("%clang_weft", "%s -fplugin=%s -I%s" % (clang, plugin, inc)))
config.substitutions.append(("%clangxx_weft", "%s -fplugin=%s -I%s" % (clangxx, plugin, inc)))
config.substitutions.append(("%clangxx", "%s -I%s" % (clangxx, inc)))
config.substitutions.append(("%clang", "%s -I%s" % (clang, inc)))
config.substitutions.append(("%opt_weft", "opt -load-pass-plugin=%s" % plugin))
