"""Benchmark reportgen against the floor of the libraries it drives; print the ratios of one run.

Usage: python benchmarks/bench.py [--project DIR] [--reps 3] [--scale-reps 2] [--sizes 1,5,20]

Every figure is the median of whole ``python -m reportgen …`` processes (start-up and imports
included), timed with ``time.perf_counter`` around each process; peak memory is the largest
resident set of the build's processes (``getrusage(RUSAGE_CHILDREN).ru_maxrss`` in a small
wrapper process around each run). The floor (``benchmarks/floor.py``) is a whole process too:
bare WeasyPrint laying out the very HTML of each briefing with the same fonts and PDF options,
plus python-pptx opening and saving each deck the build wrote.

Measured processes run from byte-compiled modules (a ``PYTHONPYCACHEPREFIX`` in the temporary
folder, written by the warm-up runs), as an installed reportgen and the floor's libraries do,
even where the environment sets ``PYTHONDONTWRITEBYTECODE``; reportgen's own cache of compiled
templates, citations and font metrics (``REPORTGEN_CACHE``, also in the temporary folder) is
warm too, as after any earlier build on the machine.

Projects are copies (``content/`` and ``templates/``) in a temporary folder; the 5× and 20×
projects repeat every section file with new ids (``content/sections/NN-x-copyK.md``, a translation
``NN-x-copyK.ru.md`` beside its original's copy), so the
audiences' tag rules pick them up. Full builds pass ``--force``: the incremental cache would
otherwise make them no-ops.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FLOOR = Path(__file__).resolve().parent / "floor.py"

# Runs one command and reports its wall time and the peak RSS of its process tree.
_RUNNER = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
seconds = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"seconds": seconds, "code": done.returncode, "cpu": usage.ru_utime + usage.ru_stime,
                  "maxrss_kb": usage.ru_maxrss,
                  "stdout": done.stdout.decode(errors="replace")[-4000:],
                  "stderr": done.stderr.decode(errors="replace")[-4000:]}))
"""

TARGETS = {
    "serial": 1.3,  # full serial build / floor
    "parallel": 0.75,  # -j 2 / -j 1
    "noop": 0.1,  # nothing-changed rebuild / full build
    "linear": 22.0,  # build at 20x content / build at 1x
    "memory_mb": 500.0,  # peak memory, the repo's project
    "startup": 1.0,  # --help, check, list (seconds)
}


@dataclass
class Run:
    seconds: float
    maxrss_mb: float
    cpu: float = 0.0  # user + system time of the whole process tree
    stdout: str = ""


@dataclass
class Series:
    runs: list[Run] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(run.seconds for run in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(run.cpu for run in self.runs)

    @property
    def peak_mb(self) -> float:
        return max(run.maxrss_mb for run in self.runs)


def measure(command: list[str]) -> Run:
    """Run *command* once in a wrapper process; return its wall time and peak memory."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    done = subprocess.run([sys.executable, "-c", _RUNNER, *command], capture_output=True, text=True, env=env, check=True)
    result = json.loads(done.stdout)
    if result["code"] != 0:
        sys.exit(f"bench: command failed ({result['code']}): {' '.join(command)}\n{result['stderr']}")
    return Run(result["seconds"], result["maxrss_kb"] / 1024, result["cpu"], result["stdout"])


def reportgen(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "reportgen", *(str(arg) for arg in args)]


def make_project(source: Path, target: Path, copies: int) -> Path:
    """Copy *source*'s content and templates to *target*, with every section *copies* times.

    Copies get new ids (``trade-copy1``); tag rules pick them up, and an audience rule that
    names a section by id (``{id: trade, depth: summary}``) gets one for each copy too.
    """
    shutil.copytree(source / "content", target / "content")
    if (source / "templates").is_dir():
        shutil.copytree(source / "templates", target / "templates")
    sections = sorted((target / "content" / "sections").glob("*.md"))
    ids: set[str] = set()
    for path in sections:
        found = re.search(r"^id:[ \t]*(\S+)[ \t]*$", path.read_text(encoding="utf-8"), flags=re.M)
        if found:
            ids.add(found.group(1))
    for copy in range(1, copies):
        for path in sections:
            text = path.read_text(encoding="utf-8")
            text = re.sub(r"^id:[ \t]*(\S+)[ \t]*$", lambda m: f"id: {m.group(1)}-copy{copy}", text, count=1, flags=re.M)
            base, dot, language = path.stem.partition(".")  # a translation keeps its language: NN-x-copyK.ru.md
            (path.parent / f"{base}-copy{copy}{dot}{language}.md").write_text(text, encoding="utf-8")
    for audience in (target / "content" / "audiences").glob("*.y*ml"):
        lines = []
        for line in audience.read_text(encoding="utf-8").splitlines(keepends=True):
            lines.append(line)
            rule = re.match(r"^(\s*-\s*\{\s*id:\s*)([^,}\s]+)(.*\n?)$", line)
            if rule and rule.group(2) in ids:
                lines.extend(f"{rule.group(1)}{rule.group(2)}-copy{copy}{rule.group(3)}" for copy in range(1, copies))
        audience.write_text("".join(lines), encoding="utf-8")
    return target


def floor_spec(project: Path, html_out: Path, build_out: Path, spec_path: Path) -> Path:
    """Write the floor's input list: each edition's HTML (every audience, every language) with
    its PDF options, and its deck."""
    sys.path.insert(0, str(REPO))
    from reportgen.build import output_path
    from reportgen.project import load_project

    loaded = load_project(project)
    spec: dict[str, list] = {"pdf": [], "pptx": []}
    for name, language in loaded.editions():
        audience = loaded.audiences[name]
        spec["pdf"].append({"html": str(html_out / output_path(loaded, name, language, "html")), "variant": audience.pdf_variant,
                            "identifier": f"reportgen-{name}"[:42]})
        spec["pptx"].append(str(build_out / output_path(loaded, name, language, "pptx")))
    spec_path.write_text(json.dumps(spec, indent=1), encoding="utf-8")
    return spec_path


def heavy_imports(project: Path) -> list[str]:
    """Return the heavy libraries that `reportgen list` imports (it should import none)."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "reportgen", "list", str(project)],
                          capture_output=True, text=True, env=env, check=True)
    heavy = ("weasyprint", "pptx", "matplotlib", "fontTools", "lxml")
    found = {line.split("|")[-1].strip().split(".")[0] for line in done.stderr.splitlines() if "|" in line}
    return sorted(name for name in heavy if name in found)


def bench_size(root: Path, source: Path, copies: int, reps: int, full: bool, log) -> dict:
    """Measure one project size: the floor and a serial build, and at 1× everything else."""
    project = make_project(source, root / f"project-{copies}x", copies)
    out = {name: root / f"out-{copies}x-{name}" for name in ("j1", "j2", "default", "html")}
    log(f"{copies}x: warming up")
    measure(reportgen("build", project, "-f", "html", "-o", out["html"], "-j", "1"))
    measure(reportgen("build", project, "-o", out["j1"], "-j", "1", "--force"))
    spec = floor_spec(project, out["html"], out["j1"], root / f"floor-{copies}x.json")
    series = {name: Series() for name in ("floor", "floor_roomy", "j1", "j2", "full", "noop")}
    floor_parts = []
    for rep in range(reps):
        log(f"{copies}x: repetition {rep + 1}/{reps}")
        run = measure([sys.executable, str(FLOOR), str(spec)])
        series["floor"].runs.append(run)
        floor_parts.append(json.loads(run.stdout.strip().splitlines()[-1]))
        series["j1"].runs.append(measure(reportgen("build", project, "-o", out["j1"], "-j", "1", "--force")))
        if full:
            series["floor_roomy"].runs.append(measure([sys.executable, str(FLOOR), "--roomy", str(spec)]))
            series["j2"].runs.append(measure(reportgen("build", project, "-o", out["j2"], "-j", "2", "--force")))
            series["full"].runs.append(measure(reportgen("build", project, "-o", out["default"], "--force")))
            series["noop"].runs.append(measure(reportgen("build", project, "-o", out["default"])))
    result = {name: s for name, s in series.items() if s.runs}
    result["floor_parts"] = {key: statistics.median(part[key] for part in floor_parts) for key in floor_parts[0]}
    if full:
        startup = {}
        for label, command in (("--help", reportgen("--help")), ("check", reportgen("check", project)), ("list", reportgen("list", project))):
            measure(command)  # warm-up: the modules only this command imports are compiled
            startup[label] = statistics.median(measure(command).seconds for _ in range(reps))
        result["startup"] = startup
        result["heavy_imports"] = heavy_imports(project)
    return result


def verdict(value: float, target: float) -> str:
    return "ok" if value <= target else "MISSED"


def report(sizes: list[int], results: dict[int, dict], reps: int, scale_reps: int) -> list[str]:
    one = results[1]
    floor, j1, j2, full, noop = (one[k].median for k in ("floor", "j1", "j2", "full", "noop"))
    parts = one["floor_parts"]
    lines = [
        f"reportgen benchmark: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}; medians of {reps} run(s) "
        f"at 1x, {scale_reps} at larger sizes; whole processes",
        "",
        f"floor at 1x: {floor:.2f} s (imports {parts['import']:.2f} s, WeasyPrint {parts['weasyprint']:.2f} s "
        f"for {parts['pages']:.0f} pages, python-pptx save {parts['pptx']:.2f} s)",
        f"full build -j 1: {j1:.2f} s   -j 2: {j2:.2f} s   default -j: {full:.2f} s   nothing changed: {noop:.2f} s",
        f"CPU time (user + system): floor {one['floor'].cpu:.2f} s, build -j 1 {one['j1'].cpu:.2f} s "
        f"({one['j1'].cpu / one['floor'].cpu:.2f}x), -j 2 {one['j2'].cpu:.2f} s; "
        f"1-minute load average at the end {os.getloadavg()[0]:.1f} (other work on the machine inflates wall times)",
        "",
        f"{'figure':<44}{'ratio':>8}{'target':>10}  verdict",
    ]

    def row(label: str, value: float, target: float, unit: str = "x") -> None:
        lines.append(f"{label:<44}{value:>7.2f}{unit:1}{'<= ' + format(target, 'g'):>10}  {verdict(value, target)}")

    row("full serial build / floor", j1 / floor, TARGETS["serial"])
    roomy = one["floor_roomy"].median
    lines.append(f"{'  the floor on a roomy frame stack, as ours':<44}{j1 / roomy:>7.2f}x{'':>10}  "
                 f"(floor {roomy:.2f} s; see frame_stack.py)")
    row("-j 2 / -j 1", j2 / j1, TARGETS["parallel"])
    row("rebuild, nothing changed / full build", noop / full, TARGETS["noop"])
    for size in sizes:
        if size == 1:
            continue
        result = results[size]
        lines.append(f"{f'{size}x content: build -j 1 / floor':<44}{result['j1'].median / result['floor'].median:>7.2f}x"
                     f"{'':>10}  ({result['j1'].median:.1f} s vs {result['floor'].median:.1f} s, "
                     f"{result['floor_parts']['pages']:.0f} pages)")
        lines.append(f"{f'{size}x content: floor / floor at 1x':<44}{result['floor'].median / floor:>7.2f}x")
        label = f"{size}x content: build / build at 1x"
        if size == 20:
            row(label, result["j1"].median / j1, TARGETS["linear"])
        else:
            lines.append(f"{label:<44}{result['j1'].median / j1:>7.2f}x")
    peak = max(one["j1"].peak_mb, one["j2"].peak_mb, one["full"].peak_mb)
    row("peak memory, repo's project (MB)", peak, TARGETS["memory_mb"], " ")
    for size in sizes:
        if size != 1:
            lines.append(f"{f'peak memory at {size}x content (MB)':<44}{results[size]['j1'].peak_mb:>7.0f}")
    for label, seconds in one["startup"].items():
        row(f"start-up: reportgen {label} (s)", seconds, TARGETS["startup"], " ")
    heavy = one["heavy_imports"]
    lines.append(f"heavy imports at `reportgen list`: {', '.join(heavy) if heavy else 'none'}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", type=Path, default=REPO, help="project folder to copy (default: the repo's own)")
    parser.add_argument("--reps", type=int, default=3, help="repetitions at 1x (default 3)")
    parser.add_argument("--scale-reps", type=int, default=2, help="repetitions at larger sizes (default 2)")
    parser.add_argument("--sizes", default="1,5,20", help="content multiples (default 1,5,20; 1 is always measured)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary projects and outputs")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    sizes = sorted({1, *(int(size) for size in args.sizes.split(",") if size.strip())})
    root = Path(tempfile.mkdtemp(prefix="reportgen-bench-"))
    started = time.perf_counter()
    # Measured processes load byte-compiled modules, as an installed reportgen and the floor's
    # libraries do: where the environment turns bytecode off (PYTHONDONTWRITEBYTECODE), every
    # process would compile reportgen's modules from source again. The warm-up runs write them.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(root / "pycache")
    os.environ["REPORTGEN_CACHE"] = str(root / "reportgen-cache")  # reportgen's own, filled the same way

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f} s] {message}", file=sys.stderr, flush=True)

    try:
        results = {}
        for size in sizes:
            results[size] = bench_size(root, args.project.resolve(), size, args.reps if size == 1 else args.scale_reps, size == 1, log)
        lines = report(sizes, results, args.reps, args.scale_reps)
    finally:
        if args.keep:
            log(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    print("\n".join(lines))
    if args.json:
        figures = {size: {key: ({"median": value.median, "runs": [run.seconds for run in value.runs], "cpu": value.cpu,
                                 "peak_mb": value.peak_mb} if isinstance(value, Series) else value)
                          for key, value in result.items()}
                   for size, result in results.items()}
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
