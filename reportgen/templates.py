"""Jinja2 environments: sandboxed, strict, with a per-audience chain of template folders."""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path
from typing import Any, Mapping

import jinja2
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from . import memo, sandbox
from .errors import ReportgenError
from .locales import full_stop
from .resources import MAX_FETCH_BYTES, confined_file, confined_folder

PACKAGE_TEMPLATES = Path(__file__).parent / "templates" / "base"


def template_dirs(root: Path, audience: str) -> list[Path]:
    """Return the template folders for *audience*, most specific first.

    A project's template folder that is a symbolic link out of the project is an error: every
    file found through these folders is then confined to the project or the package.
    """
    project = [root / "templates" / audience, root / "templates" / "base"]
    for folder in (root / "templates", *project):
        confined_folder(folder, root, "/".join(folder.parts[-2:]) if folder.name != "templates" else "templates")
    return [*project, PACKAGE_TEMPLATES]


def find_file(dirs: list[Path], name: str, referrer: str | None = None, limit: int = MAX_FETCH_BYTES) -> Path:
    """Return the first *name* found in *dirs*, or raise naming every folder looked in.

    The file found must be a regular file of at most *limit* bytes inside the folders
    (resources.read_file()'s rule); a link out of them is refused, not followed.
    """
    if Path(name).is_absolute() or ".." in Path(name).parts:
        raise ReportgenError(f"'{name}' must be a path inside the template folders", referrer)
    for folder in dirs:
        candidate = folder / name
        if os.path.lexists(candidate):
            return confined_file(candidate, dirs, _short(str(candidate)), limit)
    looked = ", ".join(_display(folder) for folder in dirs)
    raise ReportgenError(f"'{name}' not found in {looked}", referrer)


def _display(folder: Path) -> str:
    if folder == PACKAGE_TEMPLATES:
        return "the built-in templates"
    parts = folder.parts
    return "/".join(parts[-2:]) if len(parts) >= 2 else str(folder)


@functools.lru_cache(maxsize=1)
def content_environment() -> SandboxedEnvironment:
    """Return the environment that renders prose, summaries and directive bodies."""
    env = sandbox.Sandbox(loader=sandbox.NoFiles(), undefined=sandbox.Undefined, autoescape=False, keep_trailing_newline=True)
    return env


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled template files, shared by every audience's environment and kept between runs
    (memo.py).

    Jinja keys each entry by template name and file and checks it against a hash of the
    source, so a file shared by several audiences compiles once, and an edited one again.
    """

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is None:
            code = memo.load("template", bucket.key + bucket.checksum)
        if isinstance(code, bytes):
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()
        memo.store("template", bucket.key + bucket.checksum, self._code[bucket.key])


_COMPILED = _CompiledTemplates()


def template_environment(dirs: tuple[Path, ...]) -> SandboxedEnvironment:
    """Return the environment for briefing and deck-plan templates found in *dirs*.

    A template can extend the next layer's version of itself: ``{% extends "!base/briefing.html.j2" %}``
    in ``templates/<audience>/`` reaches ``templates/base`` then the built-in one;
    ``!default/…`` reaches the built-in one only.

    Each call makes a new environment, so a template added to or changed in any folder is
    seen (a long-running preview builds many times); compiled templates are shared.
    """
    return _new_environment(tuple(str(d) for d in dirs))


def _new_environment(dirs: tuple[str, ...]) -> SandboxedEnvironment:
    loader = jinja2.ChoiceLoader(
        [
            sandbox.ConfinedLoader(list(dirs), _short),
            jinja2.PrefixLoader(
                {
                    "!base": sandbox.ConfinedLoader(list(dirs[1:]), _short),
                    "!default": sandbox.ConfinedLoader([str(PACKAGE_TEMPLATES)], _short),
                }
            ),
        ]
    )
    env = sandbox.Sandbox(
        loader=loader,
        undefined=sandbox.Undefined,
        autoescape=jinja2.select_autoescape(["html", "html.j2", "xml", "svg"], default_for_string=False),
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=_COMPILED,
    )
    env.filters["full_stop"] = full_stop
    return env


@functools.lru_cache(maxsize=4096)
def _content_template(text: str) -> jinja2.Template:
    """Return *text* compiled in the content sandbox (each distinct text compiles once, and is
    kept between runs: memo.py)."""
    env = content_environment()
    code = memo.cached("prose", text, lambda: env.compile(text))
    return env.template_class.from_code(env, code, env.make_globals(None), None)


def render_string(text: str, context: Mapping[str, Any], path: str, first_line: int = 1) -> str:
    """Render *text* (from *path*, starting at file line *first_line*) in the content sandbox."""
    if "{" not in text and "\r" not in text:
        return text  # no Jinja syntax: the text renders as itself
    try:
        template = _content_template(text)
    except jinja2.TemplateSyntaxError as error:
        raise ReportgenError(f"template syntax: {error.message}", path, (error.lineno or 1) + first_line - 1) from None
    except RecursionError:
        raise ReportgenError("template syntax: expression nested too deeply", path, first_line) from None
    return _render(template, context, path, first_line)


def render_template(env: SandboxedEnvironment, name: str, context: Mapping[str, Any]) -> str:
    """Render the template *name* found through *env*'s folders."""
    try:
        template = env.get_template(name)
    except jinja2.TemplateSyntaxError as error:
        raise ReportgenError(f"template syntax: {error.message}", _short(error.filename or name), error.lineno) from None
    except jinja2.TemplateNotFound as error:
        loader = env.loader.loaders[0]  # type: ignore[union-attr]
        looked = ", ".join(_display(Path(p)) for p in loader.searchpath)
        raise ReportgenError(f"template '{error.name}' not found in {looked}", name) from None
    except SecurityError as error:
        raise ReportgenError(f"not allowed in templates: {error}", name) from None
    except RecursionError:
        raise ReportgenError("template syntax: expression nested too deeply", name) from None
    return _render(template, context, _short(template.filename or name), 1)


def _render(template: jinja2.Template, context: Mapping[str, Any], path: str, first_line: int) -> str:
    try:
        output = sandbox.render(template, context)
    except jinja2.TemplateSyntaxError as error:
        raise ReportgenError(f"template syntax: {error.message}", _short(error.filename) if error.filename else path, error.lineno) from None
    except jinja2.UndefinedError as error:
        where, line = _template_position(path, first_line)
        message = error.message or "undefined"
        if not message.startswith(("undefined name", "unknown ", "figure ", "empty cell ")):  # sandbox.Undefined's wording
            message = f"undefined name: {message}"
        raise ReportgenError(message, where, line) from None
    except sandbox.LimitExceeded as error:
        where, line = _template_position(path, first_line)
        raise ReportgenError(f"template limit exceeded: {error}", where, line) from None
    except SecurityError as error:
        where, line = _template_position(path, first_line)
        raise ReportgenError(f"not allowed in templates: {error}", where, line) from None
    except RecursionError:
        where, line = _template_position(path, first_line)
        raise ReportgenError("template recursion too deep (a macro or include that calls itself?)", where, line) from None
    except MemoryError:
        where, line = _template_position(path, first_line)
        raise ReportgenError("template limit exceeded: out of memory", where, line) from None
    except jinja2.TemplateNotFound as error:
        where, line = _template_position(path, first_line)
        raise ReportgenError(f"template '{error.name}' not found", where, line) from None
    except ReportgenError:
        raise
    except (TypeError, ValueError, ZeroDivisionError, OverflowError, AttributeError, KeyError, IndexError) as error:
        raise ReportgenError(*_with_directive(f"template error: {error}", _template_position(path, first_line))) from None
    return output


def _template_position(path: str, first_line: int) -> tuple[str, int | None]:
    """Find the template line of the exception being handled, from Jinja's rewritten traceback."""
    tb = sys.exc_info()[2]
    found: tuple[str, int | None] = (path, None)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename == "<template>":
            found = (path, tb.tb_lineno + first_line - 1)
        elif filename.endswith((".j2", ".html", ".css", ".yaml")) and "site-packages/jinja2" not in filename:
            found = (_short(filename), tb.tb_lineno)
        tb = tb.tb_next
    return found


def _with_directive(message: str, where: tuple[str, int | None]) -> tuple[str, str, int | None]:
    """Return (message, path, line) naming the user's directive when *where* is a built-in template.

    A built-in block template (a chart, a table) fails on what a section's directive asked
    for: the error names that section file and line, and says which template stopped.
    """
    path, line = where
    if not path.startswith("built-in:"):
        return message, path, line
    from .model import Block, Section

    block = section = None
    tb = sys.exc_info()[2]
    while tb is not None:  # the innermost section and block being rendered
        for value in list(tb.tb_frame.f_locals.values()):
            if isinstance(value, Block):
                block = value
            elif isinstance(value, Section):
                section = value
        tb = tb.tb_next
    if block is None or section is None:
        return message, path, line
    return f"{message} (in the {block.kind} directive; {path}:{line})", section.path, block.line


def _short(filename: str) -> str:
    """Show a template file relative to its project, or as 'built-in:<name>'."""
    path = Path(filename)
    try:
        return "built-in:" + str(path.relative_to(PACKAGE_TEMPLATES))
    except ValueError:
        pass
    parts = path.parts
    if "templates" in parts:
        index = len(parts) - 1 - parts[::-1].index("templates")
        return "/".join(parts[index:])
    return filename
