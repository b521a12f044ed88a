"""The AWS CLI v1's help pages as data, for cli/tests/help.rs: for every operation of the
services named on the command line, the reST the `help` command would hand to groff,
captured by a renderer that keeps it, then read for what a user checks: the synopsis
entries, each option's type and choices, the global options, the example commands and
the output members. One process for all operations; prints one JSON document."""

import json
import re
import sys
import textwrap

from awscli import clidriver


class Capture:
    """Stands in for the groff/pager renderer: keeps the reST."""

    def __init__(self):
        self.contents = None

    def render(self, contents):
        self.contents = contents.decode("utf-8") if isinstance(contents, bytes) else contents


def sections(text):
    """reST section title -> its lines (titles are underlined with `=`)."""
    lines = text.splitlines()
    out, name = {}, None
    for i, line in enumerate(lines):
        if i + 1 < len(lines) and re.fullmatch(r"=+", lines[i + 1] or "x") and line.strip():
            if i > 0 and re.fullmatch(r"=+", lines[i - 1] or "x"):
                name = line.strip()
                out[name] = []
                continue
        if name is not None and not re.fullmatch(r"=+", line):
            out[name].append(line)
    return out


OPTION = re.compile(r"^``--([a-z0-9-]+)``(?: \| ``--no-[a-z0-9-]+``)? \((\w+)\)")
NESTED = re.compile(r"^( *)(?:([A-Za-z0-9_.:-]+) -> )?\((\w+)\)\s*$")


def indent_of(line):
    return len(line) - len(line.lstrip(" "))


def options(lines):
    """Each option: flag, type, choices, nested members and syntax blocks."""
    opts = []
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        m = OPTION.match(line)
        if m:
            opts.append(
                {"flag": m.group(1), "type": m.group(2), "choices": [], "members": [], "syntax": []}
            )
            continue
        if not opts:
            continue
        stripped = line.strip()
        if stripped in ("Shorthand Syntax::", "Syntax::", "JSON Syntax::"):
            base, body = indent_of(line), []
            while i < len(lines) and (not lines[i].strip() or indent_of(lines[i]) > base):
                body.append(lines[i].rstrip())
                i += 1
            text = textwrap.dedent("\n".join(body)).strip("\n")
            opts[-1]["syntax"].append([stripped[:-2], text])
            continue
        # Nested members, two spaces a level under the option's docs; an option without
        # docs has its list item unindented.
        m = NESTED.match(line)
        if m and (len(m.group(1)) >= 2 or not m.group(2)):
            label = (m.group(2) + " -> " if m.group(2) else "") + "(" + m.group(3) + ")"
            opts[-1]["members"].append([max(len(m.group(1)) // 2 - 1, 0), label])
            continue
        # Choices: `*   ``IMPORT``` under a model option, `*   json` under a global one.
        m = re.match(r"^ *\*   (?:``)?([^`]+?)(?:``)?\s*$", line)
        if m:
            opts[-1]["choices"].append(m.group(1))
    return opts


def output(lines):
    """Output members as (depth, label): `Name -> (type)` or `(type)` for an item."""
    out = []
    for line in lines:
        m = NESTED.match(line)
        if m:
            depth = len(m.group(1)) // 2
            label = (m.group(2) + " -> " if m.group(2) else "") + "(" + m.group(3) + ")"
            out.append([depth, label])
    return out


def page(help_command):
    cap = Capture()
    help_command.renderer = cap
    help_command([], None)
    return cap.contents


def main():
    driver = clidriver.create_clidriver()
    table = driver._get_command_table()
    result = {}
    for service in sys.argv[1:]:
        svc = table[service]
        ops = {}
        for name, op in svc._get_command_table().items():
            if name == "wait":
                continue
            text = page(op.create_help_command())
            sec = sections(text)
            synopsis = [
                l.strip() for l in sec.get("Synopsis", []) if l.strip() and l.strip() != "::"
            ][1:]
            examples = [
                l.strip()
                for l in sec.get("Examples", [])
                if l.strip().startswith("aws " + service + " ")
            ]
            ops[name] = {
                "synopsis": synopsis,
                "options": options(sec.get("Options", [])),
                "globals": options(sec.get("Global Options", [])),
                "examples": examples,
                "output": output(sec.get("Output", [])),
            }
        text = page(svc.create_help_command())
        commands = [
            l.strip()[1:].strip()
            for l in sections(text).get("Available Commands", [])
            if l.strip().startswith("*")
        ]
        result[service] = {"commands": commands, "operations": ops}
    json.dump(result, sys.stdout)


main()
