"""Copies env/ without one provider's blocks, for `tofu validate` where that provider cannot be had.

azapi is not served by the Go module proxy, so a locally built provider mirror lacks it; everything
else (all azurerm resources) can still be validated. Usage: without_provider.py <env> <out> <provider>.
"""
import os
import re
import shutil
import sys


def top_level_blocks(text):
    """Yields (start, end, header) of each top-level block, by counting braces outside strings."""
    depth, start, in_string, escaped = 0, None, False, False
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
        elif char == "{":
            if depth == 0:
                start = text.rfind("\n", 0, index) + 1
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0 and start is not None:
                yield start, index + 1, text[start:text.index("{", start)]


def strip(text, provider):
    kept, position = [], 0
    for start, end, header in top_level_blocks(text):
        if re.match(rf'\s*(resource|data)\s+"{provider}_', header) or re.match(rf'\s*(mock_)?provider\s+"{provider}"', header):
            kept.append(text[position:start])
            position = end
    kept.append(text[position:])
    result = "".join(kept)
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
                handle.write(strip(text, provider))


if __name__ == "__main__":
    main(*sys.argv[1:4])
