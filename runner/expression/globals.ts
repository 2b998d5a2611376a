import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ExpressionError, UndefinedVariable } from './errors.js';
import { pythonStr } from './python.js';

/** Ansible's 'omit': an argument whose value is this is left out of the module's arguments. */
export const OMIT = '__omit_place_holder__k3s_playbook';

type Lookup = (terms: unknown[], kwargs: Record<string, unknown>, scope: object) => unknown[];

/** Lookups run on the controller, as Ansible's do: one value per term. */
const lookups: Record<string, Lookup> = {
  env: (terms, kw) => terms.map((name) => process.env[String(name)] ?? kw.default ?? ''),
  file: (terms, kw) =>
    terms.map((path) => {
      try {
        const text = readFileSync(String(path), 'utf8');
        return kw.rstrip === false ? text : text.trimEnd();
      } catch {
        throw new ExpressionError(`lookup('file') could not read '${String(path)}' on the controller`);
      }
    }),
  vars: (terms, kw, scope) =>
    terms.map((name) => {
      if (String(name) in scope) return (scope as Record<string, unknown>)[String(name)];
      if ('default' in kw) return kw.default;
      throw new UndefinedVariable(String(name));
    }),
  pipe: (terms) =>
    terms.map((command) => {
      try {
        return execFileSync('/bin/sh', ['-c', String(command)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trimEnd();
      } catch (error) {
        throw new ExpressionError(`lookup('pipe') command failed: ${(error as Error).message.split('\n')[0]}`);
      }
    }),
  items: (terms) => terms.flat(),
  list: (terms) => terms,
};

function runLookup(args: unknown[], kwargs: Record<string, unknown>, scope: object): unknown[] {
  const [name, ...terms] = args;
  const lookup = Object.prototype.hasOwnProperty.call(lookups, String(name)) ? lookups[String(name)] : undefined;
  if (!lookup) throw new ExpressionError(`unknown lookup '${String(name)}' (known: ${Object.keys(lookups).join(', ')})`);
  return lookup(terms, kwargs, scope);
}

/** Jinja's sandbox bound on range(), so a typo cannot fill the controller's memory. */
const MAX_RANGE = 100_000;

type GlobalFunction = (args: unknown[], kwargs: Record<string, unknown>, scope: object) => unknown;

/** The functions an expression may call by name: Jinja's range and Ansible's lookup/query. */
export const globalFunctions: Record<string, GlobalFunction> = {
  lookup: (args, kwargs, scope) => {
    const values = runLookup(args, kwargs, scope);
    return kwargs.wantlist === true ? values : values.length === 1 ? values[0] : values.map(pythonStr).join(',');
  },
  query: runLookup,
  q: runLookup,
  range: ([first, second, step = 1]) => {
    const [start, stop] = second === undefined ? [0, Number(first)] : [Number(first), Number(second)];
    if (!Number(step) || Math.abs((stop - start) / Number(step)) > MAX_RANGE)
      throw new ExpressionError(`range() takes a non-zero step and at most ${MAX_RANGE} items`);
    const out: number[] = [];
    for (let i = start; Number(step) > 0 ? i < stop : i > stop; i += Number(step)) out.push(i);
    return out;
  },
  dict: (_args, kwargs) => kwargs,
};

/** Names every expression can read unless the scope defines them. */
export const globalValues: Record<string, unknown> = { omit: OMIT };
