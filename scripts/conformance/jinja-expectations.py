#!/usr/bin/env python3
"""Writes 'expected' into runner/jinja/conformance/jinja-cases.yaml by rendering each case with Jinja2 itself.

Run by hand where python3-jinja2 (3.1) is installed, after adding cases; the tests never run it.
A case whose rendering raises gets `error: <exception class>` instead.
"""
import pathlib, re, sys
import jinja2, yaml


def text(dumper, data):
    # Quote text that YAML 1.2 (the tests' reader) would take for a number.
    number = re.fullmatch(r'[-+]?(0[xob][0-9a-fA-F_]+|[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?|\.[0-9_]+)', data)
    return dumper.represent_scalar('tag:yaml.org,2002:str', data, style="'" if number else None)


yaml.SafeDumper.add_representer(str, text)

path = pathlib.Path(__file__).resolve().parents[2] / 'runner/jinja/conformance/jinja-cases.yaml'
header = ''.join(line for line in path.read_text().splitlines(True) if line.startswith('#'))
data = yaml.safe_load(path.read_text())
for group, cases in data.items():
    for case in cases:
        env = jinja2.Environment(loader=jinja2.DictLoader(case.get('templates', {})))
        case.pop('expected', None)
        case.pop('error', None)
        try:
            case['expected'] = env.from_string(case['template']).render(case.get('vars', {}))
        except Exception as error:  # noqa: BLE001 - the class is the expectation
            case['error'] = type(error).__name__
print(f'jinja2 {jinja2.__version__}', file=sys.stderr)
path.write_text(header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=200))
