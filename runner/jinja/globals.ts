import { PyDateTime, strftime } from './datetime.js';
import { ExpressionError } from './errors.js';
import type { GlobalFunction } from './frame.js';
import { runLookup } from './lookups.js';
import { isMapping, pyTruthy, pythonStr } from './python.js';
import { Callable, Namespace, Undefined, unbox } from './values.js';

/** Ansible's 'omit': an argument whose value is this is left out of the module's arguments. */
export const OMIT = '__omit_place_holder__k3s_playbook';

/** Jinja's sandbox bound on range(), so a typo cannot fill the controller's memory. */
const MAX_RANGE = 100_000;

/** The functions an expression may call by name: Jinja's globals and Ansible's lookup/query/now/undef. */
export const globalFunctions: Record<string, GlobalFunction> = {
  lookup: (args, kwargs, _scope, frame) => {
    const values = runLookup(args, kwargs, frame);
    if (values === undefined) return kwargs.wantlist === true ? [] : null;
    if (kwargs.wantlist === true || !values.length) return values;
    if (values.every((value) => typeof value === 'string')) return values.join(',');
    return values.length === 1 ? values[0] : values;
  },
  query: (args, kwargs, _scope, frame) => runLookup(args, kwargs, frame) ?? [],
  q: (args, kwargs, _scope, frame) => runLookup(args, kwargs, frame) ?? [],
  range: (args) => {
    const [first, second, step = 1] = args.map((arg) => Number(unbox(arg)));
    const [start, stop] = second === undefined ? [0, first] : [first, second];
    if (!Number.isInteger(start) || !Number.isInteger(stop) || !Number.isInteger(step)) throw new ExpressionError('range() takes integers');
    if (!step) throw new ExpressionError('range() arg 3 must not be zero');
    if (Math.abs((stop - start) / step) > MAX_RANGE) throw new ExpressionError(`range() makes at most ${MAX_RANGE} items`);
    const out: number[] = [];
    for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(i);
    return out;
  },
  dict: ([items], kwargs) => ({ ...(isMapping(items) ? items : Object.fromEntries((Array.isArray(items) ? items : []) as [string, unknown][])), ...kwargs }),
  namespace: ([initial], kwargs) => new Namespace({ ...(isMapping(initial) ? initial : {}), ...kwargs }),
  cycler: (items) => {
    let position = 0;
    const state: Record<string, unknown> = {};
    const cycler = new Callable('cycler', () => null, state);
    const update = () => Object.assign(state, { current: items[position % items.length] });
    state.next = new Callable('next', () => {
      const value = items[position % items.length];
      position++;
      update();
      return value;
    });
    state.reset = new Callable('reset', () => {
      position = 0;
      update();
      return null;
    });
    update();
    return cycler;
  },
  joiner: ([separator = ', ']) => {
    let used = false;
    return new Callable('joiner', () => {
      const out = used ? pythonStr(separator) : '';
      used = true;
      return out;
    });
  },
  now: ([utc = false, format], kwargs) => {
    const moment = PyDateTime.fromDate(new Date(), pyTruthy(kwargs.utc ?? utc));
    const fmt = kwargs.fmt ?? format;
    return fmt === undefined || fmt === null ? moment : strftime(String(fmt), moment);
  },
  undef: ([hint]) => new Undefined('undef', hint === undefined ? 'Mandatory variable has not been overridden' : pythonStr(hint)),
};

/** Names every expression can read unless the scope defines them. */
export const globalValues: Record<string, unknown> = { omit: OMIT };
