"""The Dockerfile and .dockerignore as Docker reads them, for the tests that replay the image without an engine.

e2b-dockerfile-utils does the reading: BuildKit's parser (continuations, comments, flags, the JSON form) and shell
lexer (quotes and $VAR, ${VAR:-x} expansion), and moby's .dockerignore matcher, ported to Python. It has no builder,
so the few steps of one that the tests replay stay here: instructions grouped into stages, ARG into FROM, ENV applied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from e2b_dockerfile_utils import DockerfileInstruction, PatternMatcher, ShellLex, parse_dockerfile_ast


@dataclass(frozen=True)
class Copy:
    """A COPY: its sources, its destination and the stage it copies from (None: the build context)."""

    sources: list[str]
    dest: str
    from_stage: str | None


@dataclass
class Stage:
    """One FROM ... stage: its base image (build arguments resolved), as written, its name and its instructions."""

    image: str
    written: str
    name: str | None
    escape: str
    """The escape character (`# escape=`), which the shell lexer needs."""
    instructions: list[DockerfileInstruction] = field(default_factory=list)

    def all(self, name: str) -> list[DockerfileInstruction]:
        """Return the instructions with this name, in order."""
        return [i for i in self.instructions if i.name == name]

    def last(self, name: str) -> DockerfileInstruction | None:
        """Return the last instruction with this name (the one Docker uses for CMD, USER, ...)."""
        found = self.all(name)
        return found[-1] if found else None

    def expand(self, word: str, env: dict[str, str]) -> str:
        """Return `word` unquoted and with its variables expanded from `env`, as BuildKit does (unset: empty)."""
        return ShellLex(self.escape, env=env, skip_unset_env=False).process_word(word)


def parse(text: str, build_args: dict[str, str] | None = None) -> list[Stage]:
    """Return the stages of a Dockerfile, in order; FROM's ${ARG}s resolved from `build_args`, else their defaults."""
    ast = parse_dockerfile_ast(text)
    stages: list[Stage] = []
    global_args: dict[str, str] = {}  # the ARGs before the first FROM: only FROM sees them
    for instruction in ast.instructions:
        if instruction.name == "ARG" and not stages:
            for declaration in instruction.args:
                name, _, default = declaration.partition("=")
                lexer = ShellLex(ast.escape_token, env=global_args, skip_unset_env=False)
                global_args[name] = (build_args or {}).get(name, lexer.process_word(default))
        elif instruction.name == "FROM":
            written, *alias = instruction.args
            image = ShellLex(ast.escape_token, env=global_args, skip_unset_env=False).process_word(written)
            alias_name = alias[1] if len(alias) == 2 and alias[0].upper() == "AS" else None
            stages.append(Stage(image=image, written=written, name=alias_name, escape=ast.escape_token))
        elif stages:
            stages[-1].instructions.append(instruction)
    return stages


def exec_form(instruction: DockerfileInstruction) -> list[str] | None:
    """Return the arguments of a CMD, ENTRYPOINT or RUN in exec (JSON) form, or None if it is in shell form."""
    return list(instruction.args) if instruction.json else None


def healthcheck_command(instruction: DockerfileInstruction) -> list[str]:
    """Return the exec-form command of a HEALTHCHECK (its options are flags)."""
    kind, *command = instruction.args
    if kind.upper() != "CMD" or not instruction.json:
        raise ValueError(f"line {instruction.start_line}: HEALTHCHECK CMD is not in exec (JSON) form")
    return command


def copy_of(instruction: DockerfileInstruction, stage: Stage, env: dict[str, str] | None = None) -> Copy:
    """Return the sources, destination and --from of a COPY in `stage`, its words expanded from `env`."""
    words = [stage.expand(word, env or {}) for word in instruction.args]
    if len(words) < 2:
        raise ValueError(f"line {instruction.start_line}: COPY needs a source and a destination")
    from_stage = next((flag.split("=", 1)[1] for flag in instruction.flags if flag.startswith("--from=")), None)
    return Copy(sources=words[:-1], dest=words[-1], from_stage=from_stage)


def apply_env(instruction: DockerfileInstruction, stage: Stage, env: dict[str, str]) -> None:
    """Apply one ENV to `env`: every value in it is expanded from the environment before it, as BuildKit does."""
    keys, values = instruction.args[0::3], instruction.args[1::3]  # key, value, "=" or "" (the legacy form)
    env.update({key: stage.expand(value, env) for key, value in zip(keys, values, strict=True)})


def dockerignore(path: Path) -> PatternMatcher:
    """Return the rules of a .dockerignore file; `.matches(relative_path)` is True where the build leaves it out."""
    return PatternMatcher(path.read_text().splitlines())
