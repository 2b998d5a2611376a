import { ExpressionError } from './errors.js';
import { runLookup } from './lookups.js';
import { pythonStr } from './python.js';

/** Ansible's 'omit': an argument whose value is this is left out of the module's arguments. */
export const OMIT = '__omit_place_holder__k3s_playbook';

/** Jinja's sandbox bound on range(), so a typo cannot fill the controller's memory. */
const MAX_RANGE = 100_000;

type GlobalFunction = (args: unknown[], kwargs: Record<string, unknown>, scope: object) => unknown;

/** The functions an expression may call by name: Jinja's range and Ansible's lookup/query. */
export const globalFunctions: Record<string, GlobalFunction> = {
  lookup: (args, kwargs, scope) => {
    const values = runLookup(args, kwargs, scope);
    if (values === undefined) return kwargs.wantlist === true ? [] : null;
    return kwargs.wantlist === true ? values : values.length === 1 ? values[0] : values.map(pythonStr).join(',');
  },
  query: (args, kwargs, scope) => runLookup(args, kwargs, scope) ?? [],
  q: (args, kwargs, scope) => runLookup(args, kwargs, scope) ?? [],
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
