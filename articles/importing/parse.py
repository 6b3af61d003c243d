"""Read a post file into front matter and body. No database access here.

Accepts what static-site generators accept: YAML between ``---`` (with a BOM,
CRLF line ends, leading blank lines, or no opening marker as Hexo allows),
TOML between ``+++``, a JSON object at the top, and the real-world mix-ups of
these (TOML lines between ``---``, YAML between ``+++``).
"""

import json
import re
import tomllib
from dataclasses import dataclass, field

import yaml

from .errors import PostError

try:  # The C loader is ten times faster; aliases are checked before it runs.
    from yaml import CSafeLoader as FastLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as FastLoader

MAX_FRONT_MATTER_CHARS = 64 * 1024
MAX_NESTING = 20


@dataclass
class RawPost:
    """A post file split into its parts, before any interpretation."""

    path: str
    raw: bytes
    front_matter: dict
    body: str
    format: str  # yaml, toml or json
    warnings: list = field(default_factory=list)


class _NoAliasLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases: front matter never needs them, bombs do."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise PostError(
                f"front matter: YAML aliases (*{event.anchor}) are not allowed "
                f"(line {event.start_mark.line + 1})"
            )
        return super().compose_node(parent, index)


_ALIAS_HINT = re.compile(r"(^|[\s\[{,:-])[&*][^\s\[\]{},]")
_TOML_LINE = re.compile(r"^(\s*)([A-Za-z_][\w-]*)\s*=\s*(.+?)\s*$")
_BINARY_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


def decode(raw, warnings):
    """Decode bytes as UTF-8 (BOM dropped), else GB18030 with a warning, else fail."""
    if not raw.strip():
        raise PostError("the file is empty")
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            raise PostError("the file starts like UTF-16 but is not valid UTF-16") from None
        warnings.append("the file is UTF-16; read it as such (UTF-8 is preferred)")
        return text
    sample = raw[:8192]
    if b"\x00" in sample or len(_BINARY_BYTES.findall(sample)) > len(sample) // 20:
        raise PostError("the file is binary, not text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        raise PostError(
            f"not UTF-8 (invalid byte at offset {utf8_error.start}) and not GB18030 either"
        ) from None
    warnings.append("the file is not UTF-8; read it as GB18030 (GBK)")
    return text


def load_yaml(text):
    if len(text) > MAX_FRONT_MATTER_CHARS:
        raise PostError(f"front matter is over {MAX_FRONT_MATTER_CHARS // 1024} KB")
    loader = _NoAliasLoader if _ALIAS_HINT.search(text) else FastLoader
    try:
        data = yaml.load(text, Loader=loader)  # noqa: S506 - both loaders are safe loaders
    except PostError:
        raise
    except yaml.constructor.ConstructorError as exc:
        raise PostError(f"front matter: unsupported YAML ({exc.problem}{_where(exc)})") from None
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise PostError(f"front matter is not valid YAML: {problem}{_where(exc)}") from None
    except RecursionError:
        raise PostError("front matter is nested too deeply") from None
    _check_depth(data)
    return data


def _where(exc):
    mark = getattr(exc, "problem_mark", None)
    return f" at line {mark.line + 1}" if mark else ""


def _check_depth(value, depth=0):
    if depth > MAX_NESTING:
        raise PostError(f"front matter is nested more than {MAX_NESTING} levels deep")
    if isinstance(value, dict):
        for item in value.values():
            _check_depth(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_depth(item, depth + 1)


def load_toml(text):
    if len(text) > MAX_FRONT_MATTER_CHARS:
        raise PostError(f"front matter is over {MAX_FRONT_MATTER_CHARS // 1024} KB")
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        raise PostError(f"front matter is not valid TOML: {exc}") from None
    _check_depth(data)
    return data


def _load_yaml_lenient(text, warnings):
    """YAML, else TOML, else YAML with stray ``key = value`` lines read as ``key: value``."""
    try:
        data = load_yaml(text)
        if data is None or isinstance(data, dict):
            return data
        raise PostError(f"front matter must be a mapping of keys to values, not a {type(data).__name__}")
    except PostError as yaml_error:
        if str(yaml_error).startswith("front matter: YAML aliases") or "nested" in str(yaml_error):
            raise
        try:
            data = load_toml(text)
            warnings.append("front matter between --- is TOML, not YAML; read it as TOML")
            return data
        except PostError:
            pass
        fixed, changed = [], []
        for number, line in enumerate(text.splitlines(), 1):
            match = _TOML_LINE.match(line)
            if match and ":" not in match.group(2):
                line = f"{match.group(1)}{match.group(2)}: {match.group(3)}"
                changed.append(str(number))
            fixed.append(line)
        if changed:
            try:
                data = load_yaml("\n".join(fixed))
            except PostError:
                raise yaml_error from None
            warnings.append(
                f"front matter line {', '.join(changed)} uses `key = value`; read it as `key: value`"
            )
            return data
        raise


def _load_toml_lenient(text, warnings):
    try:
        return load_toml(text)
    except PostError as toml_error:
        try:
            data = load_yaml(text)
        except PostError:
            raise toml_error from None
        if not isinstance(data, dict):
            raise toml_error from None
        warnings.append("front matter between +++ is YAML, not TOML; read it as YAML")
        return data


_YAML_OPEN = re.compile(r"\A---[ \t]*\n")
_TOML_OPEN = re.compile(r"\A\+\+\+[ \t]*\n")
_YAML_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$\n?", re.M)
_TOML_CLOSE = re.compile(r"^\+\+\+[ \t]*$\n?", re.M)
_KEY_LINE = re.compile(r"^[A-Za-z_][\w-]*[ \t]*:", re.M)


def split(text, warnings):
    """Return ``(front_matter_text, body, format)``."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    stripped = text.lstrip("\n \t")
    for opener, closer, marker, fmt in ((_YAML_OPEN, _YAML_CLOSE, "---", "yaml"), (_TOML_OPEN, _TOML_CLOSE, "+++", "toml")):
        opened = opener.match(stripped)
        if opened:
            rest = stripped[opened.end() :]
            close = closer.search(rest)
            if not close:
                raise PostError(f"front matter opened with {marker} is never closed")
            return rest[: close.start()], rest[close.end() :], fmt
    if stripped.startswith("{"):
        try:
            _, end = json.JSONDecoder().raw_decode(stripped)
        except (json.JSONDecodeError, RecursionError) as exc:
            raise PostError(f"front matter is not valid JSON: {exc}") from None
        return stripped[:end], stripped[end:], "json"
    # Hexo accepts front matter with only the closing ---.
    close = _YAML_CLOSE.search(text)
    if close and _KEY_LINE.match(stripped):
        warnings.append("front matter has no opening ---; read up to the first ---")
        return text[: close.start()], text[close.end() :], "yaml"
    raise PostError("no front matter: the file must start with ---, +++ or a JSON object")


def parse(path, raw):
    """Split ``raw`` (the bytes of ``path``) into a ``RawPost``; raise ``PostError``."""
    warnings = []
    text = decode(raw, warnings)
    head, body, fmt = split(text, warnings)
    if fmt == "yaml":
        data = _load_yaml_lenient(head, warnings)
    elif fmt == "toml":
        data = _load_toml_lenient(head, warnings)
    else:
        data = json.loads(head)
        _check_depth(data)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise PostError(f"front matter must be a mapping of keys to values, not a {type(data).__name__}")
    return RawPost(path=path, raw=raw, front_matter=data, body=body, format=fmt, warnings=warnings)
