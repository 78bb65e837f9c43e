"""A small Dockerfile reader: enough of the syntax to replay the final stage without a Docker engine.

It understands line continuations, comments, ARG before FROM, FROM ... AS, ENV (both forms, with $VAR expansion),
WORKDIR, COPY (flags, shell and JSON forms), USER, EXPOSE, HEALTHCHECK and CMD; and .dockerignore.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Instruction:
    """One instruction: its keyword in upper case, its argument text, and its first line number."""

    keyword: str
    args: str
    line: int


@dataclass(frozen=True)
class Copy:
    """A COPY: its sources, its destination and the stage it copies from (None: the build context)."""

    sources: list[str]
    dest: str
    from_stage: str | None


@dataclass
class Stage:
    """One FROM ... stage with what the tests need from it."""

    image: str
    name: str | None
    written: str = ""
    """The FROM argument as written, before ${ARG}s are resolved."""
    instructions: list[Instruction] = field(default_factory=list)

    def all(self, keyword: str) -> list[Instruction]:
        """Return the instructions with this keyword, in order."""
        return [i for i in self.instructions if i.keyword == keyword]

    def last(self, keyword: str) -> Instruction | None:
        """Return the last instruction with this keyword (the one Docker uses for CMD, USER, ...)."""
        found = self.all(keyword)
        return found[-1] if found else None


def logical_lines(text: str) -> list[tuple[int, str]]:
    """Join continuation lines (ending in a backslash) and drop comments and blank lines."""
    out: list[tuple[int, str]] = []
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if pending and stripped.startswith("#"):
            continue  # Docker drops comment lines inside a continued instruction
        if not pending:
            start = number
        if stripped.endswith("\\"):
            pending.append(stripped[:-1].strip())
            continue
        pending.append(stripped)
        out.append((start, " ".join(part for part in pending if part)))
        pending = []
    if pending:
        out.append((start, " ".join(pending)))
    return out


def parse(text: str, build_args: dict[str, str] | None = None) -> list[Stage]:
    """Return the stages of a Dockerfile, in order; FROM's ${ARG}s resolved from `build_args`, else their defaults."""
    stages: list[Stage] = []
    global_args: dict[str, str] = {}
    for line, content in logical_lines(text):
        keyword, _, args = content.partition(" ")
        instruction = Instruction(keyword.upper(), args.strip(), line)
        if instruction.keyword == "ARG" and not stages:  # an ARG before the first FROM serves the FROMs
            arg, _, default = instruction.args.partition("=")
            global_args[arg] = (build_args or {}).get(arg, _unquote(default))
        elif instruction.keyword == "FROM":
            words = [w for w in instruction.args.split() if not w.startswith("--")]
            name = words[2] if len(words) >= 3 and words[1].lower() == "as" else None
            stages.append(Stage(image=expand(words[0], global_args), name=name, written=words[0]))
        elif stages:
            stages[-1].instructions.append(instruction)
    return stages


def exec_form(args: str) -> list[str] | None:
    """Return the JSON (exec) form of an instruction's arguments as a list, or None if it is shell form."""
    try:
        value = json.loads(args)
    except json.JSONDecodeError:
        return None
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return None


def copy_of(instruction: Instruction) -> Copy:
    """Return the sources, destination and --from of a COPY instruction."""
    words = exec_form(instruction.args)
    if words is None:
        words = shlex.split(instruction.args)
    from_stage = None
    rest: list[str] = []
    for word in words:
        if word.startswith("--from="):
            from_stage = word.split("=", 1)[1]
        elif not word.startswith("--"):
            rest.append(word)
    if len(rest) < 2:
        raise ValueError(f"line {instruction.line}: COPY needs a source and a destination")
    return Copy(sources=rest[:-1], dest=rest[-1], from_stage=from_stage)


_VAR = re.compile(r"\$\{(\w+)\}|\$(\w+)")


def expand(value: str, env: dict[str, str]) -> str:
    """Expand $VAR and ${VAR} in `value` from `env` (missing variables become empty), as ENV does."""
    return _VAR.sub(lambda m: env.get(m.group(1) or m.group(2), ""), value)


def apply_env(instruction: Instruction, env: dict[str, str]) -> None:
    """Apply one ENV instruction to `env`, expanding references to earlier values."""
    words = shlex.split(instruction.args, posix=False)
    if words and "=" not in words[0]:  # legacy form: ENV KEY value with spaces
        key, _, value = instruction.args.partition(" ")
        env[key] = expand(_unquote(value.strip()), env)
        return
    updates = {}
    for word in words:
        key, _, value = word.partition("=")
        updates[key] = expand(_unquote(value), env)  # all values in one ENV see the env before it
    env.update(updates)


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def healthcheck_command(instruction: Instruction) -> list[str]:
    """Return the exec-form command of a HEALTHCHECK (its options skipped)."""
    _, _, command = instruction.args.partition("CMD ")
    words = exec_form(command.strip())
    if words is None:
        raise ValueError(f"line {instruction.line}: HEALTHCHECK CMD is not in exec (JSON) form")
    return words


# ---- .dockerignore ---------------------------------------------------------------------------------


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    out = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out += "(?:.*/)?"
            i += 3
        elif pattern.startswith("**", i):
            out += ".*"
            i += 2
        elif pattern[i] == "*":
            out += "[^/]*"
            i += 1
        elif pattern[i] == "?":
            out += "[^/]"
            i += 1
        elif pattern[i] == "[":
            end = pattern.find("]", i)
            out += pattern[i : end + 1] if end > i else re.escape(pattern[i])
            i = end + 1 if end > i else i + 1
        else:
            out += re.escape(pattern[i])
            i += 1
    return re.compile(out)


class DockerIgnore:
    """The rules of a .dockerignore file: last matching rule wins; a rule on a folder covers its contents."""

    def __init__(self, text: str) -> None:
        self.rules: list[tuple[bool, re.Pattern[str]]] = []
        for raw in text.splitlines():
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            negate = line.startswith("!")
            pattern = line[1:].strip() if negate else line
            pattern = pattern.strip("/")
            if pattern:
                self.rules.append((negate, _pattern_regex(pattern)))

    def excluded(self, relative: str) -> bool:
        """Return True if the build context leaves out this path (relative, with forward slashes)."""
        parts = relative.strip("/").split("/")
        prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
        result = False
        for negate, regex in self.rules:
            if any(regex.fullmatch(prefix) for prefix in prefixes):
                result = not negate
        return result
