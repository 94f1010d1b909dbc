"""Benchmark many projects in one build: local pool at 1 and 2 workers vs a local Dask cluster.

Usage: python benchmarks/batch.py [--projects 20] [--reps 1] [--project DIR]

Generates N copies of a project (default: the repo's own, 4 audiences) that differ in their
subtitle, so no two jobs are alike, and builds all of them in one `reportgen build` process
(`--force`, PDF and deck): with `-j 1`, with `-j 2`, and with `--scheduler` on a
`distributed.LocalCluster` of 2 single-threaded worker processes started afresh for each run
(so its workers import WeasyPrint and python-pptx in the run, as the pool's do). Prints jobs
per second, parallel efficiency (speed-up over `-j 1` divided by the 2 workers), CPU time per
job (for the cluster: the build's processes and the workers') and the ratios, all from one run.
Then what limits scaling: the fixed cost of importing distributed and connecting, the
cluster's overhead per job (HTML jobs, which render in milliseconds, on the cluster vs the
local pool), and the bytes a build sends (each job's pickled parcel; each distinct input file
once). Needs `pip install reportgen[dask]`.
"""

from __future__ import annotations

import argparse
import os
import pickle
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import REPO, Run, Series, make_project, measure, reportgen

WORKERS = 2


def make_desk(source: Path, root: Path, count: int) -> list[Path]:
    """Return *count* copies of *source* under *root*, each with its own subtitle."""
    projects = []
    for number in range(1, count + 1):
        project = make_project(source, root / "desk" / f"project-{number:02d}", 1)
        config = project / "content" / "report.yaml"
        text = config.read_text(encoding="utf-8")
        config.write_text(text.replace("\nsubtitle: ", f"\nsubtitle: (desk copy {number}) ", 1), encoding="utf-8")
        projects.append(project)
    return projects


def local_cluster():  # type: ignore[no-untyped-def]
    import distributed

    return distributed.LocalCluster(n_workers=WORKERS, threads_per_worker=1, processes=True, host="127.0.0.1",
                                    scheduler_port=0, dashboard_address=None)


_CONNECT = """
import sys, time
started = time.perf_counter()
import distributed
with distributed.Client(sys.argv[1], set_as_default=False):
    print(time.perf_counter() - started)
"""


def connect_seconds(address: str) -> float:
    """Return what a build pays once to reach the cluster: importing distributed and connecting."""
    done = subprocess.run([sys.executable, "-c", _CONNECT, address], capture_output=True, text=True, check=True)
    return float(done.stdout.split()[-1])


def _worker_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def on_cluster(client, command: list[str]) -> Run:  # type: ignore[no-untyped-def]
    """Measure *command* like measure(), adding the CPU time the cluster's workers spent meanwhile."""
    before = sum(client.run(_worker_cpu).values())
    run = measure(command)
    run.cpu += sum(client.run(_worker_cpu).values()) - before
    return run


def transfer(projects: list[Path]) -> dict[str, float]:
    """Return the bytes a cluster build sends: pickled parcels per job, distinct input files."""
    sys.path.insert(0, str(REPO))
    from reportgen.build import gather_jobs
    from reportgen.incremental import Sources
    from reportgen.parcel import pack
    from reportgen.project import load_project

    parcels: list[int] = []
    files: dict[str, int] = {}
    for folder in projects:
        project = load_project(folder)
        sources = Sources(project.root)
        for job in gather_jobs(project, project.audience_names(), ["pdf", "pptx"]):
            parcel, carried = pack(job, sources)
            parcels.append(len(pickle.dumps(parcel)))
            files.update({digest: path.stat().st_size for digest, path in carried.items()})
    return {"jobs": len(parcels), "parcel_kb": statistics.mean(parcels) / 1024, "inputs_kb": sum(files.values()) / 1024,
            "input_files": len(files)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", type=Path, default=REPO, help="project folder to copy (default: the repo's own)")
    parser.add_argument("--projects", type=int, default=20, help="how many copies to build in one run (default 20)")
    parser.add_argument("--reps", type=int, default=1, help="repetitions of each build (default 1; medians)")
    args = parser.parse_args(argv)
    try:
        import distributed
    except ImportError:
        sys.exit("batch: needs Dask distributed: pip install 'reportgen[dask]'")
    # The cluster's workers must import the same reportgen as the build (the toolchain check).
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1727654400")  # so the cluster's outputs can be compared byte for byte
    os.environ["PYTHONPATH"] = str(REPO) + (os.pathsep + os.environ["PYTHONPATH"] if os.environ.get("PYTHONPATH") else "")
    root = Path(tempfile.mkdtemp(prefix="reportgen-batch-"))
    started = time.perf_counter()

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f} s] {message}", file=sys.stderr, flush=True)

    try:
        projects = make_desk(args.project.resolve(), root, args.projects)
        sent = transfer(projects)
        jobs = sent["jobs"]
        series = {name: Series() for name in ("j1", "j2", "dask", "noop", "html_local", "html_dask")}
        connects = []
        for rep in range(args.reps):  # interleaved, so a change in the machine's load hits every figure alike
            log(f"repetition {rep + 1}/{args.reps}: -j 1")
            series["j1"].runs.append(measure(reportgen("build", *projects, "-o", root / "j1", "-j", "1", "--force")))
            log("-j 2")
            series["j2"].runs.append(measure(reportgen("build", *projects, "-o", root / "j2", "-j", "2", "--force")))
            with local_cluster() as cluster, distributed.Client(cluster, set_as_default=False) as client:
                address = cluster.scheduler_address
                log(f"Dask LocalCluster of {WORKERS} workers at {address}")
                series["dask"].runs.append(on_cluster(client, reportgen("build", *projects, "-o", root / "dask", "--scheduler", address, "--force")))
                series["noop"].runs.append(measure(reportgen("build", *projects, "-o", root / "dask", "--scheduler", address)))
                connects.append(statistics.median(connect_seconds(address) for _ in range(3)))
                log("HTML only (per-job overhead)")
                series["html_dask"].runs.append(on_cluster(client, reportgen("build", *projects, "-f", "html", "-o", root / "hd", "--scheduler", address, "--force")))
            series["html_local"].runs.append(measure(reportgen("build", *projects, "-f", "html", "-o", root / "hl", "-j", "2", "--force")))
        same = all((root / "j1" / path.relative_to(root / "dask")).read_bytes() == path.read_bytes()
                   for path in (root / "dask").rglob("*") if path.suffix in (".pdf", ".pptx"))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    connect = statistics.median(connects)
    j1, j2, dask, noop = (series[name].median for name in ("j1", "j2", "dask", "noop"))
    html_jobs = jobs // 2  # one HTML job per audience
    overhead = (series["html_dask"].median - series["html_local"].median - connect) / html_jobs
    cpu_overhead = (series["html_dask"].cpu - series["html_local"].cpu) / html_jobs
    lines = [
        f"reportgen batch benchmark: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}; {len(projects)} projects, "
        f"{jobs} jobs (PDF + deck per audience); median of {args.reps} run(s); whole processes",
        f"1-minute load average at the end {os.getloadavg()[0]:.1f} (other work on the machine inflates wall times; "
        "CPU time is the steadier measure)",
        "",
        f"{'run':<34}{'seconds':>9}{'jobs/s':>9}{'efficiency':>12}{'CPU s/job':>11}",
        f"{'local pool -j 1':<34}{j1:>9.1f}{jobs / j1:>9.2f}{1.0:>12.2f}{series['j1'].cpu / jobs:>11.3f}",
        f"{'local pool -j 2':<34}{j2:>9.1f}{jobs / j2:>9.2f}{j1 / j2 / WORKERS:>12.2f}{series['j2'].cpu / jobs:>11.3f}",
        f"{f'Dask LocalCluster, {WORKERS} workers':<34}{dask:>9.1f}{jobs / dask:>9.2f}{j1 / dask / WORKERS:>12.2f}"
        f"{series['dask'].cpu / jobs:>11.3f}",
        "",
        f"{'ratio':<44}{'value':>8}",
        f"{'-j 2 / -j 1':<44}{j2 / j1:>7.2f}x",
        f"{'Dask (2 workers) / -j 1':<44}{dask / j1:>7.2f}x",
        f"{'Dask (2 workers) / -j 2':<44}{dask / j2:>7.2f}x",
        f"{'CPU time, Dask / -j 2':<44}{series['dask'].cpu / series['j2'].cpu:>7.2f}x",
        f"{'nothing changed, --scheduler (s)':<44}{noop:>8.2f}",
        f"{'Dask outputs byte-identical to -j 1':<44}{'yes' if same else 'NO':>8}",
        "",
        "what limits scaling",
        f"{'once per build: import distributed, connect (s)':<44}{connect:>8.2f}",
        f"{'cluster overhead per job, wall (s)':<44}{overhead:>8.3f}   "
        f"(HTML jobs: {series['html_dask'].median:.1f} s on the cluster vs {series['html_local'].median:.1f} s with -j 2, "
        f"{html_jobs} jobs, less the line above)",
        f"{'cluster overhead per job, CPU (s)':<44}{cpu_overhead:>8.3f}   (build process and workers, same jobs)",
        f"{'pickled parcel per job (KB)':<44}{sent['parcel_kb']:>8.0f}",
        f"{'distinct input files, sent once (KB)':<44}{sent['inputs_kb']:>8.0f}   ({sent['input_files']} files)",
    ]
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
