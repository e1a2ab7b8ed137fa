"""Loader: the one function that chains the stages, parse -> build -> check -> compile.

Input: a folder (every `*.regel` under it, recursively) or one file. Output: `Rules`, ready for
`evaluate`. Raises `RuleSyntaxError` (every file's first syntax error) or `RuleCheckError` (every
error the checker found); nothing is evaluated with rules that did not check.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path

from attrs import define

from .builder import build
from .checker import check
from .compiler import CompiledBenefit, compile_program
from .errors import InputError, RuleSyntaxError
from .parser import parse
from .program import Program

PACKAGED_RULES = Path(__file__).resolve().parent.parent / "rules"


@define
class Rules:
    """A checked, compiled rule tree."""

    root: str
    program: Program
    compiled: dict[str, CompiledBenefit]

    @property
    def benefits(self) -> list[str]:
        """The benefit ids, sorted."""
        return sorted(self.compiled)

    @property
    def warnings(self):
        return self.program.warnings


def tree_root(path: Path) -> Path:
    """The rule tree a single file belongs to: its nearest ancestor folder named `rules`, else
    its own folder. A benefit file needs the satser and appeal tracks its tree declares."""
    for parent in path.resolve().parents:
        if parent.name == "rules":
            return parent
    return path.resolve().parent


def rule_files(path: Path) -> list[Path]:
    """Every .regel file of a folder (sorted), or the file itself."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise InputError(f"no such rule file or folder: {path}")
    return sorted(p for p in path.rglob("*.regel") if p.is_file())


def read_sources(path: Path) -> dict[str, str]:
    """file name (as shown in diagnostics) -> text, for every rule file under `path`; a single
    file is read together with the rest of its tree (see `tree_root`)."""
    sources = {}
    files = rule_files(tree_root(path)) if path.is_file() else rule_files(path)
    if path.is_file() and path.resolve() not in [f.resolve() for f in files]:
        files.append(path)
    for p in files:
        try:
            sources[_display(p)] = p.read_text("utf-8")
        except UnicodeDecodeError:
            raise InputError(f"{_display(p)}: not UTF-8 text") from None
    if not sources:
        raise InputError(f"no .regel files under {path}")
    return sources


def _display(p: Path) -> str:
    try:
        return str(p.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(p)


CACHE_FORMAT = b"rulelang-program-1"


def cache_dir() -> Path:
    """Where checked programs are cached: $RULELANG_CACHE_DIR, else the user's cache folder."""
    env = os.environ.get("RULELANG_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "rulelang"


def _engine_digest() -> bytes:
    """A hash of the engine's own source, so that a new checker never reads an old cache."""
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256(CACHE_FORMAT)
    for p in sorted(here.glob("*.py")) + [here / "grammar.lark"]:
        digest.update(p.name.encode() + b"\0" + p.read_bytes())
    return digest.digest()


def cache_key(sources: dict[str, str], require_texts: bool) -> str:
    """The hash of every rule file (name and text), the engine and the check mode."""
    digest = hashlib.sha256(_engine_digest())
    digest.update(b"texts" if require_texts else b"plain")
    for name in sorted(sources):
        digest.update(name.encode() + b"\0" + sources[name].encode() + b"\0")
    return digest.hexdigest()


def _read_cache(key: str) -> Program | None:
    path = cache_dir() / f"program-{key}.pickle"
    try:
        with path.open("rb") as fh:
            program = pickle.load(fh)  # our own file, written below from checked rules
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        return None
    return program if isinstance(program, Program) else None


def _write_cache(key: str, program: Program) -> None:
    """Write atomically (temp file, then rename); a cache that cannot be written is skipped."""
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".program-", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(program, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, folder / f"program-{key}.pickle")
    except OSError:
        pass


def load_sources(sources: dict[str, str], root: str = "<memory>", require_texts: bool = False,
                 cache: bool = False) -> Rules:
    """Parse, build, check and compile rule texts (file name -> text). With `require_texts`
    the checker also demands every text letters need (as `rulelang check` does). With `cache`,
    a program checked before from exactly these files (and this engine) is read from disk
    instead of being parsed and checked again; a failed check is never cached."""
    key = cache_key(sources, require_texts) if cache else None
    if key is not None:
        program = _read_cache(key)
        if program is not None:
            return Rules(root=root, program=program, compiled=compile_program(program))
    program = _check_sources(sources, require_texts)
    if key is not None:
        _write_cache(key, program)
    return Rules(root=root, program=program, compiled=compile_program(program))


def _check_sources(sources: dict[str, str], require_texts: bool) -> Program:
    modules, errors = {}, []
    for file, text in sources.items():
        try:
            modules[file] = build(parse(text, file), file, text)
        except RuleSyntaxError as exc:
            errors.append(exc)
    if errors:
        raise RuleSyntaxError.several(errors)
    program = check(modules, sources, require_texts=require_texts)
    for model in program.benefits.values():
        digest = hashlib.sha256()
        for f in model.files:
            digest.update(f.rsplit("rules/", 1)[-1].encode() + b"\0" + sources[f].encode() + b"\0")
        model.rules_version = "sha256:" + digest.hexdigest()
    return program


def load_rules(path="rules", cache: bool = True) -> Rules:
    """Load every rule file under `path` (a folder or one file), checked and compiled.

    Args:
        path: a folder of .regel files (searched recursively) or one .regel file.
        cache: reuse the checked program cached on disk for unchanged files (see `cache_dir`).

    Raises:
        RuleSyntaxError, RuleCheckError: the rules are not valid (every problem is reported).
        InputError: the path does not exist or holds no rule files.
    """
    path = Path(path)
    return load_sources(read_sources(path), root=str(path), cache=cache)
