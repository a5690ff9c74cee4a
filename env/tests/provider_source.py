"""Which POST calls a refresh of each azurerm type makes, read from the provider's source: the scanner behind
test_plan_role_source.py, which compares it with env/roles/refresh-list-actions.json.
The scan reads Go with regular expressions, not a parser, and is pragmatic:
- Read: `"azurerm_x": fn(),` in SupportedResources()/SupportedDataSources() of internal/services/*/registration.go,
  then `Read: name,` in fn; a typed resource by the ResourceType() of a struct that Resources()/DataSources()
  lists, then its Read() method.
- Clients: `c := meta.(*clients.Client).A.B` (or `metadata.Client.A.B`) resolves field by field through the
  struct types (clients.Client, the service's client.Client, go-azure-sdk meta clients, embedded fields too);
  a parameter `c *pkg.FooClient` resolves through its file's imports.
- The verb: a go-azure-sdk method sends its method_*.go file's `HttpMethod: http.MethodX`; an autorest method
  (kermit, the Key Vault data plane) what its <Method>Preparer says (autorest.AsPost()).
- Followed up to MAX_DEPTH levels: methods of the provider's own client structs (KeyVault.Exists,
  Storage.GetAccount), and provider functions (same package, r.method, or an internal/ package such as
  appservice/helpers) whose arguments carry a client, meta or metadata. A call found there is attributed
  to the Read's line that leads to it as well as to its own line.
- A call whose receiver the scan cannot resolve counts as a POST candidate if its name matches CANDIDATE
  (ListKeys, ListSecrets, ...Credentials, ...ConnectionStrings, ...Value, List...Sas/Token); calls on clients
  that stay unresolved are listed by test_every_client_call_resolves, so a missing module cannot hide POSTs.
- Matching: ThenPoll/Complete variants count as their base method; a cited line may be WINDOW lines off.

It needs the provider source and its SDK modules: the Go module cache where scripts/build-provider-mirror.sh
ran, or AZURERM_SOURCE. Without them the tests skip; they do not pass.
"""
from __future__ import annotations

import bisect
import glob
import json
import os
import re
from dataclasses import dataclass, field

import invariants

EVIDENCE_PATH = os.path.join(invariants.ENV_DIR, invariants.REFRESH_EVIDENCE)
PROVIDER = "github.com/hashicorp/terraform-provider-azurerm"
WINDOW = 3  # how far a cited line may be from the call the scan finds
MAX_DEPTH = 2  # helper levels followed below the Read
CANDIDATE = re.compile(r"^(List|Get)?\w*(Secrets|Keys|KeysList|ConnectionStrings|Credentials|Value|ListSecrets|ListKeys|ListValue|ListConnectionStrings)$"
                       r"|^List\w*(Secret|Key|Credential|Connection|Sas|Token)")
VARIANT = re.compile(r"(ThenPoll|CompleteMatchingPredicate|Complete)$")  # same request as the base method
NOT_CALLS = {"if", "for", "switch", "func", "return", "make", "len", "append", "new", "cap", "string", "map", "panic", "delete", "copy", "int", "int64", "bool", "float64", "error"}
GO_TOKENS = re.compile(r"//[^\n]*|/\*.*?\*/|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'|`[^`]*`", re.DOTALL)


def code_of(text: str) -> str:
    """Go text with comments and literals blanked (line numbers kept) and interface{}/struct{} brace-free."""
    blanked = GO_TOKENS.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)
    return blanked.replace("interface{}", "interface__").replace("struct{}", "struct__")


def closing(code: str, start: int) -> int:
    """Index just past the bracket that closes the one at start."""
    pairs, depth = {"(": ")", "{": "}"}, 0
    opening = code[start]
    for index in range(start, len(code)):
        if code[index] == opening:
            depth += 1
        elif code[index] == pairs[opening]:
            depth -= 1
            if depth == 0:
                return index + 1
    return len(code)


@dataclass
class Function:
    path: str
    text: str  # blanked, from `func` to its closing brace (the same offsets as the raw text)
    line: int  # line of `func`
    start: int
    receiver: str = ""
    receiver_type: str = ""

    def raw(self, source: Source) -> str:
        return source.read(self.path)[0][self.start:self.start + len(self.text)]


@dataclass(frozen=True)
class Call:
    method: str
    verb: str  # POST, GET, ... or "candidate"
    package: str
    site: str  # file:line in the type's Read that leads to the call
    at: str  # file:line of the call itself


class Source:
    """The provider's files and the modules its go.mod requires, read on demand."""

    def __init__(self, root: str, modcache: str):
        self.root, self.modcache, self.cache, self.listing = os.path.abspath(root), modcache, {}, {}
        with open(os.path.join(root, "go.mod"), encoding="utf-8") as handle:
            self.requires = dict(re.findall(r"^\s*(?:require\s+)?([\w.~/-]+\.[\w.~/-]+)\s+(v\S+)", handle.read(), re.MULTILINE))

    def dir_of(self, import_path: str) -> str | None:
        if import_path.startswith(PROVIDER + "/"):
            return os.path.join(self.root, import_path[len(PROVIDER) + 1:])
        vendored = os.path.join(self.root, "vendor", import_path)
        if os.path.isdir(vendored):
            return vendored
        modules = [module for module in self.requires if import_path == module or import_path.startswith(module + "/")]
        if not modules:
            return None
        module = max(modules, key=len)
        escaped = re.sub(r"[A-Z]", lambda m: "!" + m.group().lower(), module)
        found = os.path.join(self.modcache, f"{escaped}@{self.requires[module]}", import_path[len(module) + 1:])
        return found if os.path.isdir(found) else None

    def read(self, path: str) -> tuple[str, str]:
        if path not in self.cache:
            with open(path, encoding="utf-8") as handle:
                raw = handle.read()
            self.cache[path] = (raw, code_of(raw))
        return self.cache[path]

    def files(self, directory: str) -> list[str]:
        if directory not in self.listing:
            self.listing[directory] = sorted(glob.glob(os.path.join(directory, "*.go")))
            self.listing[directory] = [path for path in self.listing[directory] if not path.endswith("_test.go")]
        return self.listing[directory]

    def imports(self, path: str) -> dict[str, str]:
        raw, _ = self.read(path)
        block = " ".join(re.findall(r"^import\s*\((.*?)^\)", raw, re.MULTILINE | re.DOTALL) + re.findall(r"^import\s+(\w*\s*\"[^\"]+\")", raw, re.MULTILINE))
        return {alias or imported.rsplit("/", 1)[-1]: imported for alias, imported in re.findall(r"(?:(\w+)\s+)?\"([^\"]+)\"", block)}

    def function(self, directory: str, name: str, receiver_type: str | None = None) -> Function | None:
        receiver = r"\((\w+)\s+\*?" + re.escape(receiver_type) + r"\)\s*" if receiver_type else r"()"
        pattern = re.compile(r"^func\s*" + receiver + re.escape(name) + r"\s*\(", re.MULTILINE)
        for path in self.files(directory):
            raw, code = self.read(path)
            if (receiver_type and receiver_type not in raw) or name not in raw:
                continue
            match = pattern.search(code)
            if match:
                params_end = closing(code, match.end() - 1)
                body = code.index("{", params_end)
                return Function(path, code[match.start():closing(code, body)], code.count("\n", 0, match.start()) + 1, match.start(), match.group(1), receiver_type or "")
        return None

    def struct(self, directory: str, name: str) -> tuple[str, dict[str, str], list[str]] | None:
        """(file, named field → type, embedded types) of `type name struct`."""
        for path in self.files(directory):
            raw, code = self.read(path)
            match = re.search(r"^type\s+" + re.escape(name) + r"\s+struct\s*\{", code, re.MULTILINE) if name in raw else None
            if match:
                body = code[match.end():closing(code, match.end() - 1) - 1]
                named, embedded = {}, []
                for line in body.splitlines():
                    if re.fullmatch(r"\s*\*?[\w.]+\s*", line):
                        embedded.append(line.strip())
                    elif fields := re.fullmatch(r"\s*(\w+(?:\s*,\s*\w+)*)\s+(\*?[\w.]+)\s*", line):
                        named.update({field_name.strip(): fields.group(2) for field_name in fields.group(1).split(",")})
                return path, named, embedded
        return None

    def import_path(self, directory: str) -> str:
        vendor = os.path.join(self.root, "vendor")
        inside = os.path.relpath(directory, vendor if directory.startswith(vendor + os.sep) else self.modcache)
        return re.sub(r"@[^/]+", "", inside.replace(os.sep, "/"))

    def is_provider(self, path: str) -> bool:
        return path.startswith(self.root + os.sep) and not path.startswith(os.path.join(self.root, "vendor") + os.sep)

    def rel(self, path: str, line: int) -> str:
        return f"{os.path.relpath(path, self.root)}:{line}"


Ref = tuple[str, str]  # (directory, type name): a struct type, found by struct() and function()


def type_ref(source: Source, path: str, type_expr: str) -> Ref | None:
    type_expr = type_expr.lstrip("*")
    if "." not in type_expr:
        return (os.path.dirname(path), type_expr)
    alias, name = type_expr.split(".", 1)
    directory = source.dir_of(source.imports(path).get(alias, ""))
    return (directory, name) if directory else None


def field_ref(source: Source, ref: Ref, name: str, depth: int = 0) -> Ref | None:
    found = source.struct(*ref) if ref and depth < 4 else None
    if not found:
        return None
    path, named, embedded = found
    if name in named:
        return type_ref(source, path, named[name])
    for inner in embedded:
        if result := field_ref(source, type_ref(source, path, inner), name, depth + 1):
            return result
    return None


def method_of(source: Source, ref: Ref, name: str, depth: int = 0) -> Function | None:
    if not ref or depth > 3:
        return None
    if found := source.function(ref[0], name, ref[1]):
        return found
    struct = source.struct(*ref)
    for inner in struct[2] if struct else []:
        if found := method_of(source, type_ref(source, struct[0], inner), name, depth + 1):
            return found
    return None


def verb_of(source: Source, function: Function, name: str) -> str | None:
    """The HTTP method a client method outside the provider sends; "?" for an SDK method the scan cannot
    read it from; None for what sends nothing (ids, schema helpers)."""
    raw, _ = source.read(function.path)
    if os.path.basename(function.path).startswith("method_"):
        found = re.search(r"HttpMethod:\s*http\.Method(\w+)", raw)
        return found.group(1).upper() if found else "?"
    preparer = source.function(os.path.dirname(function.path), name + "Preparer", function.receiver_type)
    if preparer:
        found = re.search(r"autorest\.As(Get|Post|Put|Patch|Delete|Head)\(\)", preparer.text)
        return found.group(1).upper() if found else "?"
    http_client = re.search(r"/(go-azure-sdk|kermit|giovanni)/", function.path)
    return "?" if http_client and not re.match(r"(id|model|constants|predicates)_?", os.path.basename(function.path)) else None


@dataclass
class Scan:
    source: Source
    calls: dict[str, list[Call]] = field(default_factory=dict)
    reads: dict[str, str] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    unresolved: set[str] = field(default_factory=set)  # calls on a client whose method the scan cannot find

    def walk(self, kind: str, function: Function, env: dict, depth: int, site: str | None, seen: set):
        key = (function.path, function.line)
        if key in seen:
            return
        seen.add(key)
        source, text = self.source, function.text
        text = re.sub(r"\b\w+\.\(\*clients\.Client\)", "META", text)
        for name in re.findall(r"(\w+)\s+sdk\.ResourceMetaData", text):
            text = re.sub(r"\b" + name + r"\.Client\b", "META", text)
        carriers = set(re.findall(r"(\w+)\s+(?:interface__|sdk\.ResourceMetaData)", text)) | {"META"}
        signature = text[:text.index("{")]
        clients = {"META"} | {name for name, ref in env.items() if ref[1].endswith("Client")}
        for names, type_expr in re.findall(r"(\w+(?:\s*,\s*\w+)*)\s+(\*?[A-Za-z_]\w*\.[A-Z]\w*|\*[A-Z]\w*)\b(?![.(])", signature):
            for name in (name.strip() for name in names.split(",")):
                if (ref := type_ref(source, function.path, type_expr)) is not None:
                    env.setdefault(name, ref)
                if type_expr.endswith("Client"):
                    clients.add(name)
        for _ in range(2):  # assignments, in any order
            for name, expr in re.findall(r"^\s*(?:var\s+)?(\w+)\s*:?=\s*((?:META|\w+)(?:\.\w+)*)\s*$", text, re.MULTILINE):
                if expr.split(".")[0] in clients:
                    clients.add(name)
                if ref := self.resolve(expr.split("."), env):
                    env[name] = ref
        starts = [0] + [index + 1 for index, char in enumerate(text) if char == "\n"]
        for match in re.finditer(r"(?<![\w.)\]])((?:[A-Za-z_]\w*\.)*)([A-Za-z_]\w*)\s*\(", text):
            receiver, name = match.group(1).rstrip("."), match.group(2)
            args = text[match.end() - 1:closing(text, match.end() - 1)]
            at = source.rel(function.path, function.line + bisect.bisect_right(starts, match.start()) - 1)
            here = site or at
            carries = any(re.search(r"\b" + re.escape(word) + r"\b", args) for word in carriers | set(env))
            head, rest = (receiver.split(".")[0], receiver.split(".")[1:]) if receiver else ("", [])
            if not receiver:
                if name not in NOT_CALLS and carries and depth < MAX_DEPTH:
                    self.follow(kind, source.function(os.path.dirname(function.path), name), depth, here, seen)
            elif head in env or head in clients:
                ref = self.resolve(receiver.split("."), env)
                target = method_of(source, ref, name) if ref else None
                if target is None:
                    if head in clients:
                        self.unresolved.add(f"{at} {receiver}.{name}")
                    if CANDIDATE.match(name):
                        self.calls[kind].append(Call(name, "candidate", "", here, at))
                elif source.is_provider(target.path):
                    if depth < MAX_DEPTH:  # a method of the provider's own client (KeyVault.Exists)
                        self.walk(kind, target, {target.receiver: ref}, depth + 1, here, seen)
                elif verb := verb_of(source, target, name):
                    package = source.import_path(os.path.dirname(target.path))
                    self.calls[kind].append(Call(name, verb, package, here, at))
            elif head in source.imports(function.path) and not rest:
                imported = source.imports(function.path)[head]
                if imported.startswith(PROVIDER + "/internal/") and carries and depth < MAX_DEPTH:
                    self.follow(kind, source.function(source.dir_of(imported), name), depth, here, seen)
            elif receiver == function.receiver and carries and depth < MAX_DEPTH:
                self.follow(kind, source.function(os.path.dirname(function.path), name, function.receiver_type), depth, here, seen)
            elif CANDIDATE.match(name) and head not in source.imports(function.path):
                self.calls[kind].append(Call(name, "candidate", "", here, at))

    def follow(self, kind, function, depth, site, seen):
        if function is not None:
            self.walk(kind, function, {}, depth + 1, site, seen)

    def resolve(self, chain: list[str], env: dict) -> Ref | None:
        ref = (os.path.join(self.source.root, "internal", "clients"), "Client") if chain[0] == "META" else env.get(chain[0])
        for name in chain[1:]:
            ref = field_ref(self.source, ref, name) if ref else None
        return ref


def find_read(source: Source, kind: str, data_source: bool) -> Function | None:
    """The Read of a resource (or data source) type, untyped or typed."""
    services = os.path.join(source.root, "internal", "services")
    for registration in sorted(glob.glob(os.path.join(services, "*", "registration.go"))):
        raw, code = source.read(registration)
        if kind not in raw:
            continue
        directory = os.path.dirname(registration)
        wanted = "SupportedDataSources" if data_source else "SupportedResources"
        untyped = re.search(r"\) " + wanted + r"\(\)[^{]*\{", raw)
        if untyped:
            block = raw[untyped.end():closing(code, untyped.end() - 1)]
            if found := re.search(r"\"" + re.escape(kind) + r"\":\s*(\w+)\(\)", block):
                constructor = source.function(directory, found.group(1))
                read = re.search(r"\bRead:\s*(\w+)\s*,", constructor.text) if constructor else None
                return source.function(directory, read.group(1)) if read else None
    for registration in sorted(glob.glob(os.path.join(services, "*", "registration.go"))):
        raw, code = source.read(registration)
        typed = re.search(r"\) " + ("DataSources" if data_source else "Resources") + r"\(\) \[\]sdk\.\w+\s*\{", raw)
        if not typed:
            continue
        directory = os.path.dirname(registration)
        for struct in re.findall(r"(\w+)\{\}", raw[typed.end():closing(code, typed.end() - 1)]):
            declared = source.function(directory, "ResourceType", struct)
            if declared and re.search(r"return\s+\"" + re.escape(kind) + r"\"", declared.raw(source)):
                return source.function(directory, "Read", struct)
    return None


def used_types(directory: str = invariants.ENV_DIR) -> list[tuple[str, bool]]:
    text = "".join(open(path, encoding="utf-8").read() for path in sorted(glob.glob(os.path.join(directory, "*.tf"))))
    return sorted({(kind, block == "data") for block, kind in re.findall(r'^(resource|data) "(azurerm_[a-z0-9_]+)"', text, re.MULTILINE)})


def scan_types(source: Source, types: list[tuple[str, bool]]) -> Scan:
    scan = Scan(source)
    for kind, data_source in types:
        scan.calls.setdefault(kind, [])
        read = find_read(source, kind, data_source)
        if read is None:
            scan.missing.append(kind)
            continue
        scan.reads[kind] = source.rel(read.path, read.line)
        scan.walk(kind, read, {}, 0, None, set())
    return scan


def cited(text: str) -> tuple[str, str]:
    """(package or client, method) of a call the evidence names: "tenantaccess.ListSecrets → POST ..."."""
    name = re.match(r"\s*([\w.]+)", text or "")
    parts = name.group(1).split(".") if name else [""]
    return (parts[-2] if len(parts) > 1 else ""), parts[-1]


def base(method: str) -> str:
    return VARIANT.sub("", method)


def near(where: str, place: str) -> bool:
    (file_a, _, line_a), (file_b, _, line_b) = where.rpartition(":"), place.rpartition(":")
    return file_a == file_b and line_a.isdigit() and line_b.isdigit() and abs(int(line_a) - int(line_b)) <= WINDOW


def near_call(where: str, call: Call) -> bool:
    """A call reached through a helper may be cited at the Read's line that calls the helper, or at its own."""
    return near(where, call.site) or near(where, call.at)


def line_at(source: Source, where: str) -> str | None:
    path, _, number = where.rpartition(":")
    full = os.path.join(source.root, path)
    if not number.isdigit() or not os.path.isfile(full):
        return None
    lines = source.read(full)[1].splitlines()
    return lines[int(number) - 1] if 0 < int(number) <= len(lines) else None


def compare(evidence: dict, scan: Scan) -> list[str]:
    """What the evidence's resource_types get wrong about the source: + a POST the source sends and no entry
    cites, - a POST entry the source does not send there, ! a cited line that does not hold its call."""
    problems = [f"+ {kind}: the scan finds no Read for it in {scan.source.root}" for kind in scan.missing]
    for kind, calls in sorted(scan.calls.items()):
        entry = evidence.get(kind) or {}
        entries = [(key, item) for key in ("actions", "tolerated_not_granted", "data_plane") for item in entry.get(key) or []]
        posts = [call for call in calls if call.verb in ("POST", "candidate")]
        for call in posts:
            keys = ("actions", "tolerated_not_granted") + (() if "/resource-manager" in call.package else ("data_plane",))
            if not any(key in keys and base(cited(item.get("call"))[1]) == base(call.method) and near_call(str(item.get("where")), call)
                       for key, item in entries):
                via = f" (from {call.site})" if call.site != call.at else ""
                package = re.sub(r"^.*?/(resource-manager|data-plane)/", "", call.package)
                problems.append(f"+ {kind}: Read sends {call.verb} {package}.{call.method} at {call.at}{via}; "
                                "no entry in actions or tolerated_not_granted cites it")
        cited_lines = []
        for key, item in entries:
            where, (package, method) = str(item.get("where")), cited(item.get("call"))
            cited_lines.append((key, where, method))
            if key != "data_plane":
                matches = [call for call in posts if base(call.method) == base(method) and near_call(where, call)]
                if not matches:
                    seen = sorted({f"{call.verb} at {call.at}" for call in calls if base(call.method) == base(method)})
                    seen = seen or ["no such call reached from the Read"]
                    problems.append(f"- {kind}: {key} cites {method} at {where} as a POST; the scan finds {', '.join(seen)}")
                elif package.islower() and not any(call.package.endswith("/" + package) for call in matches):
                    problems.append(f"- {kind}: {key} cites {package}.{method} at {where}; the source calls it on {matches[0].package.rsplit('/', 1)[-1]}")
        for text in entry.get("gets") or []:
            if found := re.match(r"(internal/\S+:\d+)\s+(\S+)", text):
                cited_lines.append(("gets", found.group(1), cited(found.group(2))[1]))
        for key, where, method in cited_lines:
            line = line_at(scan.source, where)
            if f"{method}(" not in (line or ""):
                problems.append(f"! {kind}: {key} cites {where} for {method}, but that line is {(line or 'missing').strip()!r}")
    return sorted(problems)


def report(problems: list[str], scan: Scan) -> str:
    return (f"{invariants.REFRESH_EVIDENCE} disagrees with the azurerm source at {scan.source.root}\n"
            "(+ sent by the source, missing from the file; - in the file, not sent there; ! cited line moved):\n  " + "\n  ".join(problems))


def modcache() -> str:
    gopath = (os.environ.get("GOPATH") or os.path.expanduser("~/go")).split(os.pathsep)[0]
    return os.environ.get("GOMODCACHE") or os.path.join(gopath, "pkg", "mod")


def load_evidence(path: str = EVIDENCE_PATH) -> dict:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)
