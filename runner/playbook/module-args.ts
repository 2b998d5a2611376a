import { checkTemplateSyntax, hasTemplate } from '../jinja/templar.js';
import { UserError } from '../errors.js';
import { UnsafeText } from '../text/unsafe.js';
import { argumentAliases, argumentProblem, canonicalArgs } from '../modules/arguments.js';
import type { ModuleDeclaration } from '../modules/module.js';
import { ENGINE_ACTIONS, modules } from '../modules/registry.js';
import type { PathSegment, SourceDoc } from '../yaml/source.js';
import type { TaskSource } from './keywords.js';
import type { Task } from './model.js';

/*
 * A task's module arguments as written (a mapping, free-form text, Ansible's key=value words) read
 * into one mapping and checked against the module's schema before any host is touched.
 */
/** Every name a task may put its module under. */
export const MODULE_NAMES = [...modules.keys(), ...ENGINE_ACTIONS];
const META_ACTIONS = [
  'flush_handlers',
  'noop',
  'end_play',
  'end_host',
  'end_batch',
  'clear_facts',
  'clear_host_errors',
  'refresh_inventory',
  'reset_connection',
  'role_complete',
];

/** Module arguments as a mapping: free-form strings and Ansible's 'k=v' strings are accepted. */
export function moduleArgs(
  module: string,
  value: unknown,
  extra: Record<string, unknown> | undefined,
  at: TaskSource,
  lenient = false,
  defaults: Record<string, unknown> = {},
): Record<string, unknown> {
  const loc = at.source.locate(at.path);
  if (module === 'meta') {
    if (typeof value !== 'string' || !META_ACTIONS.includes(value)) {
      throw new UserError(`meta: '${String(value)}' is not a meta action.`, loc, `Use one of: ${META_ACTIONS.join(', ')}.`);
    }
    return { action: value };
  }
  const definition = modules.get(module)!;
  let args: Record<string, unknown>;
  if (value === null || value === undefined) args = {};
  else if (typeof value === 'string' && definition.freeForm) args = freeFormArgs(value, definition);
  // The whole arguments as one template ('add_host: "{{ host_spec }}"'): a mapping known when the task runs.
  else if (typeof value === 'string' && /^\s*\{\{[\s\S]*\}\}\s*$/.test(value) && !KEY_VALUE.test(value)) args = { _raw_params: value };
  // Words that are not key=value fail a task expected to fail when it runs, as in Ansible (they reach the module as _raw_params).
  else if (typeof value === 'string') args = lenient && leadingKeyValues(value, () => true).rest ? { _raw_params: value } : keyValueArgs(value, module, loc);
  else if (typeof value === 'object' && !Array.isArray(value)) args = { ...(value as Record<string, unknown>) };
  else
    throw new UserError(
      `the arguments of '${module}' must be a mapping, not ${Array.isArray(value) ? 'a list' : typeof value}.`,
      loc,
      `Write them as "${module}:" followed by indented "key: value" lines.`,
    );
  Object.assign(args, extra ?? {});
  // module_defaults fill in what the task does not say (under any of an argument's names).
  const given = canonicalArgs(module, args);
  const fromDefaults = canonicalArgs(module, defaults);
  const named = 'problem' in given || 'problem' in fromDefaults ? given : canonicalArgs(module, { ...fromDefaults.args, ...given.args });
  if (lenient) return 'problem' in named ? args : named.args;
  if ('problem' in named) throw new UserError(named.problem.message, at.source.locate([...at.path, named.problem.key]), 'Remove one of them.');
  validateLiteralArgs(module, named.args, at);
  return named.args;
}

// One "key=value" word: the value is quoted text, {{ templates }} (spaces and all) and other
// characters up to a space, as Ansible's parse_kv reads it. The key may be a template too
// (set_fact: "{{ item }}=x" names its variable per item).
const KEY_VALUE = /^\s*((?:[A-Za-z_][A-Za-z0-9_]*|\{\{.*?\}\})+)=((?:"[^"]*"|'[^']*'|\{\{.*?\}\}|[^\s"'])*)(?=\s|$)/;

/** Python's escapes that Ansible's parse_kv decodes in a key=value word ('\\t', '\\x41', '\\b', ...). */
const KV_ESCAPE = /\\U[0-9a-fA-F]{8}|\\u[0-9a-fA-F]{4}|\\x[0-9a-fA-F]{2}|\\[\\'"abfnrtv]/g;
const KV_SIMPLE: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** A key=value word's value as Ansible reads it: escapes decoded, then the quotes around it taken off. */
function keyValueText(written: string): string {
  const value = written.replace(KV_ESCAPE, (escape) => KV_SIMPLE[escape[1]] ?? String.fromCodePoint(parseInt(escape.slice(2), 16)));
  return /^(["']).*\1$/s.test(value) ? value.slice(1, -1) : value;
}

/** Leading key=value words the predicate accepts, and the text after them. */
function leadingKeyValues(text: string, accept: (key: string) => boolean): { args: Record<string, unknown>; rest: string } {
  const args: Record<string, unknown> = {};
  let rest = text;
  for (let match = KEY_VALUE.exec(rest); match && accept(match[1]); match = KEY_VALUE.exec(rest)) {
    args[match[1]] = keyValueText(match[2]);
    rest = rest.slice(match[0].length);
  }
  return { args, rest: rest.trimStart() };
}

/**
 * A free-form value as Ansible reads it: 'msg=hello' words naming the module's arguments are
 * arguments (debug: msg="hi"); leading ones before a command are too (command: chdir=/tmp ls);
 * the rest is the free-form argument, as written.
 */
function freeFormArgs(written: string, definition: ModuleDeclaration): Record<string, unknown> {
  // Ansible's splitter joins a line ending in a backslash with the next (the backslash and newline go).
  const text = written.replace(/\\\n/g, '');
  const known = new Set([...Object.keys(definition.args.properties), ...argumentAliases(definition).keys()]);
  const { args, rest } = definition.freeForm === 'cmd' ? commandOptions(text, (key) => known.has(key)) : leadingKeyValues(text, (key) => known.has(key));
  if (Object.keys(args).length === 0) return { [definition.freeForm!]: text };
  return rest.trim() === '' ? args : { ...args, [definition.freeForm!]: rest };
}

/** The options Ansible takes out of a command's free-form text wherever they stand as a word ('tar cf x.tar x chdir=/tmp'). */
const COMMAND_OPTIONS = new Set(['creates', 'removes', 'chdir', 'executable', 'warn', 'stdin', 'stdin_add_newline', 'strip_empty_ends']);

/**
 * command, shell and script as Ansible's parse_kv reads them: a word 'chdir=...' (and the other
 * COMMAND_OPTIONS) is an option wherever it stands; everything else is the command, as written.
 */
function commandOptions(text: string, accept: (key: string) => boolean): { args: Record<string, unknown>; rest: string } {
  const args: Record<string, unknown> = {};
  let rest = '';
  for (let i = 0; i < text.length;) {
    let end = i;
    // A word runs to the next space outside quotes and {{ }}.
    while (end < text.length && !/\s/.test(text[end])) {
      const close =
        text[end] === '"' || text[end] === "'" ? text.indexOf(text[end], end + 1) : text.startsWith('{{', end) ? text.indexOf('}}', end + 2) + 1 : end;
      end = close < end ? text.length : close + 1;
    }
    const word = text.slice(i, end);
    const option = /^([a-z_]+)=(.*)$/s.exec(word);
    if (option && COMMAND_OPTIONS.has(option[1]) && accept(option[1])) {
      args[option[1]] = keyValueText(option[2]);
      rest = rest.replace(/[ \t]+$/, '');
    } else rest += word;
    const space = /^\s*/.exec(text.slice(end))![0];
    rest += space;
    i = end + space.length;
  }
  return { args, rest: rest.trim() };
}

export function keyValueArgs(text: string, module: string, loc: ReturnType<SourceDoc['locate']>): Record<string, unknown> {
  const { args, rest } = leadingKeyValues(text, () => true);
  if (rest.trim() !== '')
    throw new UserError(`'${module}' takes "key=value" words or a mapping, and '${rest.split(/\s/)[0]}' is neither.`, loc, 'Write the arguments as a mapping.');
  return args;
}

/** Arguments without templates are checked against the module's schema now; the others after rendering. */
function validateLiteralArgs(module: string, args: Record<string, unknown>, at: TaskSource): void {
  if (JSON.stringify(args).includes('{{')) {
    for (const [key, value] of Object.entries(args))
      if (!key.includes('{{') && !JSON.stringify(value).includes('{{')) checkArgs(module, { [key]: value }, at, true);
    return;
  }
  checkArgs(module, args, at, false);
}

function checkArgs(module: string, args: Record<string, unknown>, at: TaskSource, partial: boolean): void {
  const problem = argumentProblem(module, args, partial);
  if (problem) {
    const message = problem.key === undefined ? `'${module}': ${problem.message}.` : problem.message;
    throw new UserError(message, at.source.locate(problem.key ? [...at.path, problem.key] : at.path), 'Fix the task arguments.');
  }
}

/** Parse every template in the task now, so a broken one stops the run before any host is touched. */
export function checkTemplates(task: Task, at: TaskSource): void {
  const visit = (value: unknown, path: PathSegment[], what: string) => {
    if (value instanceof UnsafeText) return;
    if (typeof value === 'string' && hasTemplate(value)) checkTemplateSyntax(value, { loc: at.source.locate(path), what });
    else if (Array.isArray(value)) value.forEach((item, i) => visit(item, [...path, i], what));
    else if (value && typeof value === 'object') Object.entries(value).forEach(([key, item]) => visit(item, [...path, key], `'${key}'`));
  };
  visit(task.args, [...at.path, task.module], `argument of '${task.module}'`);
  visit(task.name, [...at.path, 'name'], 'the task name');
  const loopKey = task.loopLookup ? `with_${task.loopLookup}` : 'loop';
  visit(task.loop, [...at.path, loopKey], `'${loopKey}'`);
  visit(task.vars, [...at.path, 'vars'], "'vars'");
  visit(task.environment, [...at.path, 'environment'], "'environment'");
}
