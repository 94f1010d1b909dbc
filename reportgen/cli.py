"""The command line: parse arguments, call the library, print results and errors."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import IO, Any, Sequence

from .errors import ExitStatus, ProjectErrors, ReportgenError
from .products import PRODUCTS, count_text


class _Parser(argparse.ArgumentParser):
    """argparse, writing usage, help, version and usage errors to the streams main() is given."""

    def __init__(self, *args: Any, streams: tuple[IO[str], IO[str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.streams = streams or (sys.stdout, sys.stderr)

    def _print_message(self, message: str, file: Any = None) -> None:
        if message:
            stdout, stderr = self.streams
            (stdout if file is sys.stdout else stderr).write(message)


def _parser(stdout: IO[str] | None = None, stderr: IO[str] | None = None) -> argparse.ArgumentParser:
    streams = (stdout or sys.stdout, stderr or sys.stderr)
    parser = _Parser(
        prog="reportgen",
        description="Build PDF briefings and PowerPoint decks for every audience from one source.",
        streams=streams,
    )
    parser.add_argument("--debug", action="store_true", help="show Python tracebacks for errors")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    build = commands.add_parser("build", streams=streams, help="build every audience's briefing and deck")
    build.add_argument("projects", nargs="*", default=["."], metavar="PROJECT_DIR", help="project folders (default: .); several build in one run")
    build.add_argument("-a", "--audience", action="append", dest="audiences", metavar="AUDIENCE", help="only this audience (repeatable)")
    build.add_argument("-l", "--language", action="append", dest="languages", metavar="LANGUAGE", help="only editions in this language (repeatable), e.g. ru")
    build.add_argument("-f", "--format", action="append", dest="formats", choices=tuple(PRODUCTS), help=f"only this format (repeatable): {', '.join(PRODUCTS)}")
    build.add_argument("-o", "--out", dest="out_dir", metavar="OUT_DIR",
                       help="output folder (default PROJECT_DIR/build); with several projects, OUT_DIR/<project folder's name>")
    build.add_argument("-j", "--jobs", type=_positive, metavar="JOBS", help="parallel jobs (default: the number of CPUs)")
    build.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="render on this Dask scheduler's workers (needs reportgen[dask])")
    build.add_argument("--force", action="store_true", help="rebuild outputs even if their inputs are unchanged")
    build.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    check = commands.add_parser("check", streams=streams, help="validate the project; write nothing")
    check.add_argument("project", nargs="?", default=".", metavar="PROJECT_DIR")
    check.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    listing = commands.add_parser("list", streams=streams, help="show audiences and the sections and slides each gets")
    listing.add_argument("project", nargs="?", default=".", metavar="PROJECT_DIR")
    listing.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    new = commands.add_parser("new", streams=streams, help="scaffold a minimal project that builds as it is")
    new.add_argument("target", metavar="NEW_DIR")
    new.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    serve = commands.add_parser("serve", streams=streams, help="live preview: rebuild on save, reload the page")
    serve.add_argument("project", nargs="?", default=".", metavar="PROJECT_DIR")
    serve.add_argument("-a", "--audience", dest="audience", metavar="AUDIENCE", help="audience shown first")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    return parser


def _version() -> str:
    from . import __version__

    return __version__


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def main(argv: Sequence[str] | None = None, stdout: IO[str] | None = None, stderr: IO[str] | None = None) -> int:
    """Run the command line with *argv*; return the exit status."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    try:
        args = _parser(stdout, stderr).parse_args(argv)
    except SystemExit as exit_:  # --help and --version (0) or a usage error (argparse's 2)
        return ExitStatus.USAGE if exit_.code else ExitStatus.OK
    try:
        return _run(args, stdout, stderr)
    except ReportgenError as error:
        if args.debug:
            raise
        errors = error.errors if isinstance(error, ProjectErrors) else [error]
        for item in errors:
            print(str(item), file=stderr)
        return ExitStatus.PROJECT_ERROR
    except KeyboardInterrupt:
        print("interrupted", file=stderr)
        return 130


def main_entry() -> None:
    """Console-script entry point."""
    sys.exit(main())


def _run(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    if args.command == "build":
        return _build(args, stdout, stderr)
    if args.command == "check":
        from .build import check
        from .edition import unselected_sections

        project = check(args.project)
        for section in unselected_sections(project):
            print(f"{section.path}: notice: section '{section.id}' reaches no audience", file=stderr)
        print(f"ok: {len(project.sections)} sections, {len(project.data)} datasets, {len(project.audiences)} audiences", file=stdout)
        return ExitStatus.OK
    if args.command == "list":
        from .listing import describe

        stdout.write(describe(args.project))
        return ExitStatus.OK
    if args.command == "new":
        from .scaffold import scaffold

        target = scaffold(args.target)
        print(f"created {target}; build it with: reportgen build {target}", file=stdout)
        return ExitStatus.OK
    if args.command == "serve":
        from .serve import serve

        return serve(args.project, audience=args.audience, host=args.host, port=args.port, stdout=stdout, stderr=stderr)
    raise AssertionError(args.command)


def _build(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    from .batch import build_projects

    interactive = stderr.isatty()
    started = time.perf_counter()
    several = len(args.projects) > 1

    def progress(output) -> None:  # type: ignore[no-untyped-def]
        if not interactive:
            return
        count = count_text(output.format, output.count)
        timing = "unchanged" if output.reused else f"{output.seconds:.1f} s"
        shown = str(output.out_dir / output.path) if several and output.out_dir else output.path
        print(f"  {shown:<48} {count:>10}  {timing}", file=stderr, flush=True)

    batch = build_projects(args.projects, audiences=args.audiences, formats=args.formats, out_dir=args.out_dir, jobs=args.jobs,
                           progress=progress, force=args.force, scheduler=args.scheduler,
                           languages=args.languages)
    built = [result for result in batch.projects if result.error is None]
    if args.debug and len(built) < len(batch.projects):
        raise next(result.error for result in batch.projects if result.error is not None)
    for result in built:
        if not interactive:
            for output in result.outputs:
                print(Path(result.out_dir) / output.path, file=stdout)
    for error in batch.errors:
        print(str(error), file=stderr)
    if interactive:
        outputs = [output for result in built for output in result.outputs]
        made = sum(1 for output in outputs if not output.reused)
        kept = len(outputs) - made
        summary = f"built {made} output(s)" + (f", {kept} unchanged" if kept else "") + f" in {time.perf_counter() - started:.1f} s"
        if several:
            failed = len(batch.projects) - len(built)
            summary += f" for {len(built)} of {len(batch.projects)} projects" + (f"; {failed} failed (outputs left as they were)" if failed else "")
        elif built:
            summary += f" -> {Path(built[0].out_dir) / 'manifest.json'}"
        for result in built:
            for audience, omitted in result.omitted.items():  # one line per audience, details in `reportgen list`
                shown = f"{result.project}: {audience}" if several else audience
                print(f"  {shown} deck left out: {omitted}", file=stderr)
        if built or several:
            print(summary, file=stderr)
    return ExitStatus.OK if len(built) == len(batch.projects) else ExitStatus.PROJECT_ERROR
