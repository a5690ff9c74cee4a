"""Copies env/ with one provider's resources replaced by stand-ins, for `validate` and `test` where that
provider cannot be had.

azapi and azuread are not served by the Go module proxy, so a locally built provider mirror lacks them. Deleting its
resources would also hide them from the checks Terraform itself makes of a configuration, whatever the
provider (for_each, lifecycle, references: `replace_triggered_by` indexed by anything but `each.key` stops
`init`). So each `resource "azapi_x" "name"` becomes `resource "terraform_data" "azapi_x__name"`, keeping
its for_each/count, depends_on and lifecycle, its other arguments as the stand-in's `input` (so every
expression in them is still evaluated), and every reference to it points at the stand-in. What stays
unchecked is the provider's own schema. Usage: without_provider.py <env> <out> <provider>.
"""
import os
import re
import shutil
import sys

# Meta-arguments a stand-in keeps as they are; the provider meta-argument goes (no such provider).
KEPT = ("for_each", "count", "depends_on", "lifecycle")


def scan(text):
    """Yields (index, char, depth) for each character outside strings, with the bracket depth before it."""
    depth, in_string, escaped = 0, False, False
    for index, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            continue
        if char == '"':
            in_string = True
            continue
        yield index, char, depth
        if char in "{[(":
            depth += 1
        elif char in "}])":
            depth -= 1


def top_level_blocks(text):
    """Yields (start, end, header) of each top-level block."""
    start = None
    for index, char, depth in scan(text):
        if char == "{" and depth == 0:
            start = text.rfind("\n", 0, index) + 1
        elif char == "}" and depth == 1 and start is not None:
            yield start, index + 1, text[start:text.index("{", start)]
            start = None


def statements(body):
    """The top-level statements of a block body (arguments and nested blocks), each as its text."""
    result, start = [], None
    for index, char, depth in scan(body):
        if depth == 0 and start is None and not char.isspace():
            start = index
        if char == "\n" and depth == 0 and start is not None:
            line_start = body.rfind("\n", 0, index) + 1
            if not body[line_start:index].strip().startswith("#"):
                result.append(body[start:index])
            start = None
    if start is not None and body[start:].strip():
        result.append(body[start:])
    return result


def stand_in(block, provider):
    header_end = block.index("{")
    kind, name = re.findall(r'"([^"]+)"', block[:header_end])[:2]
    kept, arguments = [], []
    for statement in statements(block[header_end + 1 : block.rindex("}")]):
        word = re.match(r"[A-Za-z_][A-Za-z0-9_-]*", statement)
        word = word.group(0) if word else ""
        if word in KEPT:
            kept.append(statement)
        elif word != "provider" and re.match(r"[A-Za-z_][A-Za-z0-9_-]*\s*=", statement):
            arguments.append(statement)
        # Nested blocks other than lifecycle (timeouts, retry) have no object form: left out.
    lines = [f'resource "terraform_data" "{kind}__{name}" {{']
    lines += [f"  {statement}" for statement in kept if not statement.startswith("lifecycle")]
    if arguments:
        lines.append("  input = {")
        lines += [f"    {statement}" for statement in arguments]
        lines.append("  }")
    lines += [f"  {statement}" for statement in kept if statement.startswith("lifecycle")]
    lines.append("}")
    return "\n".join(lines)


def replace(text, provider):
    parts, position = [], 0
    for start, end, header in top_level_blocks(text):
        if re.match(rf'\s*resource\s+"{provider}_', header):
            parts.append(text[position:start])
            parts.append(stand_in(text[start:end], provider))
            position = end
        elif re.match(rf'\s*data\s+"{provider}_', header) or re.match(rf'\s*(mock_)?provider\s+"{provider}"', header):
            parts.append(text[position:start])
            position = end
    parts.append(text[position:])
    result = "".join(parts)
    result = re.sub(rf"\b({provider}_[a-z0-9_]+)\.([a-z0-9_]+)\b", r"terraform_data.\1__\2", result)
    # A stand-in exports id, input and output only: an attribute the provider would export (client_id,
    # object_id) is read as the stand-in's id, a value known after apply, as the real attribute would be.
    result = re.sub(rf"(terraform_data\.{provider}_[a-z0-9_]+__[a-z0-9_]+(?:\[[^\]]+\])?)\.(?!(?:id|input|output)\b)[a-z_]+\b", r"\1.id", result)
    return re.sub(rf"\n    {provider} = \{{[^}}]*\}}\n", "\n", result)


def main(source, target, provider):
    shutil.copytree(source, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".terraform", "__pycache__", "*.py", "*.txt", "*.tfstate*"))
    for directory, _, names in os.walk(target):
        for name in names:
            if not name.endswith((".tf", ".tftest.hcl")):
                continue
            path = os.path.join(directory, name)
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(replace(text, provider))


if __name__ == "__main__":
    main(*sys.argv[1:4])
