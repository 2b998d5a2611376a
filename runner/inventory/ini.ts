// Ansible's INI inventory (hosts.ini): [group] host lines with key=value vars, [group:vars] and
// [group:children] sections, comments with # or ;. It becomes the same groups a YAML inventory
// gives, so both are read by one loader.
import { split } from 'shlex';
import { UserError, type SourceLocation } from '../errors.js';
import type { PathSegment, SourceDoc } from '../yaml/source.js';
import type { Vars } from '../vars/vars.js';

interface IniGroup {
  hosts: Record<string, Vars>;
  vars: Vars;
  children: Record<string, null>;
}

/** Whether a file holds an INI inventory: named .ini, or (no YAML or JSON name) it starts with a [section] or a bare host name. */
export function looksLikeIni(file: string, text: string): boolean {
  if (/\.ini$/i.test(file)) return true;
  if (/\.(ya?ml|json)$/i.test(file)) return false;
  const first = text.split('\n').find((line) => line.trim() !== '' && !/^\s*[#;]/.test(line) && line.trim() !== '---');
  return first !== undefined && (/^\s*\[[^\]]+\]\s*$/.test(first) || /^\s*[^\s:=]+(\s+\w+=\S*)*\s*(#.*)?$/.test(first));
}

/**
 * A value as Ansible's INI plugin reads it (Python's literal_eval, else text): numbers, True/False/None,
 * quoted text, JSON-like lists and mappings; anything else stays text ('yes' stays 'yes').
 */
export function iniValue(text: string): unknown {
  const value = text.trim();
  if (/^-?\d+$/.test(value)) return Number(value);
  if (/^-?(\d+\.\d*|\.\d+)([eE][-+]?\d+)?$/.test(value)) return Number(value);
  if (value === 'True' || value === 'False') return value === 'True';
  if (value === 'None') return null;
  if (/^(["']).*\1$/s.test(value)) return value.slice(1, -1);
  if (/^[[{]/.test(value)) {
    try {
      return JSON.parse(
        value
          .replace(/'/g, '"')
          .replace(/\bTrue\b/g, 'true')
          .replace(/\bFalse\b/g, 'false')
          .replace(/\bNone\b/g, 'null'),
      );
    } catch {
      return value;
    }
  }
  return value;
}

/** An INI inventory as the mapping of groups a YAML one holds, able to say where each group and host was written. */
export function parseIniInventory(text: string, file: string): SourceDoc {
  const groups: Record<string, IniGroup> = {};
  const lines = new Map<string, number>();
  const group = (name: string, line: number) => {
    if (!groups[name]) {
      groups[name] = { hosts: {}, vars: {}, children: {} };
      lines.set(name, line);
    }
    return groups[name];
  };
  let section = { name: 'ungrouped', kind: 'hosts' };
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    const content = raw.trim();
    if (content === '' || content.startsWith('#') || content.startsWith(';')) return;
    const header = /^\[([^\]:]+)(?::(\w+))?\]$/.exec(content);
    const where: SourceLocation = { file, line, column: 1 };
    if (header) {
      const kind = header[2] ?? 'hosts';
      if (!['hosts', 'vars', 'children'].includes(kind))
        throw new UserError(`'[${header[1]}:${kind}]' is no section Ansible knows.`, where, 'Use [group], [group:vars] or [group:children].');
      section = { name: header[1], kind };
      group(section.name, line);
      return;
    }
    const current = group(section.name, line);
    if (section.kind === 'vars') {
      const equals = content.indexOf('=');
      if (equals < 1) throw new UserError(`'${content}' in [${section.name}:vars] is not 'name=value'.`, where, 'Write one variable per line: name=value.');
      current.vars[content.slice(0, equals).trim()] = iniValue(content.slice(equals + 1));
    } else if (section.kind === 'children') {
      current.children[content] = null;
      group(content, line);
    } else {
      let words: string[];
      try {
        words = split(content.replace(/\s#.*$/, ''));
      } catch {
        throw new UserError(`'${content}' has an unclosed quote.`, where, 'Close the quote.');
      }
      const [host, ...assignments] = words;
      const vars: Vars = {};
      for (const word of assignments) {
        const equals = word.indexOf('=');
        if (equals < 1) throw new UserError(`'${word}' after host '${host}' is not 'name=value'.`, where, 'Write host variables as name=value.');
        vars[word.slice(0, equals)] = iniValue(word.slice(equals + 1));
      }
      // 'host:2222' is the host and its SSH port (not an IPv6 address, which has more than one ':').
      const port = /^([^:]+):(\d+)$/.exec(host);
      const name = port ? port[1] : host;
      if (port) vars.ansible_port = Number(port[2]);
      current.hosts[name] = { ...(current.hosts[name] ?? {}), ...vars };
      lines.set(`${section.name}\0${name}`, line);
    }
  });
  if (Object.keys(groups.ungrouped?.hosts ?? {}).length === 0) delete groups.ungrouped;
  return {
    file,
    value: groups,
    locate(path: readonly PathSegment[]): SourceLocation {
      const hostsAt = path.lastIndexOf('hosts');
      const key = hostsAt > 0 ? `${String(path[hostsAt - 1])}\0${String(path[hostsAt + 1])}` : String(path.at(-1));
      return { file, line: lines.get(key) ?? lines.get(String(path[hostsAt - 1])) ?? 1, column: 1 };
    },
  };
}
