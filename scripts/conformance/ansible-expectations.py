#!/usr/bin/env python3
"""Writes 'expected' into runner/jinja/conformance/ansible-cases.yaml: each case rendered by ansible-playbook
(a debug task's msg, through the json callback), as ansible-core renders playbook values.

Run by hand where ansible-core 2.14 is installed, after adding cases; the tests never run it.
"""
import json, os, pathlib, subprocess, tempfile
import yaml

path = pathlib.Path(__file__).resolve().parents[2] / 'runner/jinja/conformance/ansible-cases.yaml'
header = ''.join(line for line in path.read_text().splitlines(True) if line.startswith('#'))
data = yaml.safe_load(path.read_text())
tasks = [{'debug': {'msg': case['template']}, 'ignore_errors': True} for case in data['cases']]
with tempfile.TemporaryDirectory() as tmp:
    play = pathlib.Path(tmp, 'play.yaml')
    play.write_text(yaml.safe_dump([{'hosts': 'localhost', 'gather_facts': False, 'vars': data['vars'], 'tasks': tasks}], sort_keys=False))
    env = dict(os.environ, ANSIBLE_STDOUT_CALLBACK='json', ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_INVENTORY_UNPARSED_WARNING='false')
    out = subprocess.run(['ansible-playbook', str(play)], env=env, capture_output=True, text=True).stdout
results = json.loads(out[out.index('{'):])['plays'][0]['tasks']
for case, result in zip(data['cases'], results):
    answer = result['hosts']['localhost']
    case.pop('expected', None)
    case.pop('fails', None)
    if answer.get('failed'):
        case['fails'] = True
    else:
        case['expected'] = answer.get('msg')
path.write_text(header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=200))
