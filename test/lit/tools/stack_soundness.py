"""Compare the plugin's frame bounds (report frame_bytes) with the frames the
backend produced (llvm-readelf --stack-sizes): every bound must be >= the
real frame. Used by the csmith test and the stack-bounds tests."""
import json
import subprocess


def real_frames(obj):
    out = subprocess.run(["llvm-readelf-19", "--stack-sizes", "--elf-output-style=JSON", obj],
                         capture_output=True, text=True, check=True).stdout
    sizes = {}
    for entry in json.loads(out)[0].get("StackSizes", []):
        e = entry["Entry"]
        for name in e["Functions"]:
            sizes[name] = e["Size"]
    return sizes


def compare(obj, report_path):
    """Returns (checked, violations, ratios): violations are (name, bound, real)."""
    report = json.load(open(report_path))
    real = real_frames(obj)
    checked, violations, ratios = 0, [], []
    for f in report["functions"]:
        name, bound = f["name"], f.get("frame_bytes")
        if name not in real:
            continue
        if bound is None:
            # Only a dynamic alloca leaves a frame unbounded, and those
            # functions have no .stack_sizes entry.
            violations.append((name, None, real[name]))
            continue
        checked += 1
        if bound < real[name]:
            violations.append((name, bound, real[name]))
        elif real[name] > 0:
            ratios.append(bound / real[name])
    return checked, violations, ratios


def median(xs):
    xs = sorted(xs)
    if not xs:
        return 0.0
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


if __name__ == "__main__":
    # stack_soundness.py OBJECT REPORT.weft.json: one object's bounds.
    import sys
    checked, violations, _ = compare(sys.argv[1], sys.argv[2])
    for name, bound, real in violations:
        print(f"unsound: {name}: bound {bound}, real frame {real}")
    print(f"frames: {checked} checked, {len(violations)} under the real frame")
