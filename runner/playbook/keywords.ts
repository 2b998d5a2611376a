import { UserError } from '../errors.js';
import { lookupName, lookups } from '../jinja/lookups.js';
import { resolveModuleName } from '../modules/registry.js';
import playbookSchema from '../schema/playbook.schema.json' with { type: 'json' };
import type { Vars } from '../vars/vars.js';
import type { PathSegment, SourceDoc } from '../yaml/source.js';
import type { Condition, Inherited, Looping } from './model.js';

/*
 * The keywords of a task, block, role or play as Ansible spells them, read into the plan's fields:
 * what is inherited, loops and loop_control, and the older `action:` spelling.
 */
export const KEYWORDS = new Set(Object.keys(playbookSchema.$defs.task.properties));
/** Is this key one of Ansible's task (and role) keywords, not a module or a role parameter? */
export const isKeyword = (key: string) => KEYWORDS.has(key);

/** Where task items are read from: a file and the path of the list inside it. */
export interface TaskSource {
  source: SourceDoc;
  path: PathSegment[];
}

export const list = <T>(value: T | T[] | undefined | null): T[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]);

/** vars as Ansible takes them: a mapping, or a list of mappings merged in order. */
export const varsOf = (raw: unknown): Vars => (Array.isArray(raw) ? Object.assign({}, ...raw) : ((raw as Vars | undefined) ?? {}));

/** The keywords of a play, block, role or task over what it inherits. */
export function inherit(parent: Inherited, raw: Record<string, unknown>): Inherited {
  return {
    when: [...parent.when, ...list(raw.when as Condition | Condition[])],
    tags: [...new Set([...parent.tags, ...list(raw.tags as string | string[]).map(String)])],
    become: (raw.become as boolean | string | undefined) ?? parent.become,
    becomeUser: (raw.become_user as string | undefined) ?? parent.becomeUser,
    remoteUser: (raw.remote_user as string | undefined) ?? parent.remoteUser,
    connection: (raw.connection as string | undefined) ?? parent.connection,
    delegateTo: (raw.delegate_to as string | undefined) ?? parent.delegateTo,
    delegateFacts: (raw.delegate_facts as boolean | string | undefined) ?? parent.delegateFacts,
    environment: raw.environment === undefined ? parent.environment : [...parent.environment, raw.environment as Record<string, unknown> | string],
    vars: { ...parent.vars, ...varsOf(raw.vars) },
    noLog: (raw.no_log as boolean | string | undefined) ?? parent.noLog,
    ignoreErrors: (raw.ignore_errors as boolean | string | undefined) ?? parent.ignoreErrors,
    anyErrorsFatal: (raw.any_errors_fatal as boolean | string | undefined) ?? parent.anyErrorsFatal,
    checkMode: (raw.check_mode as boolean | string | undefined) ?? parent.checkMode,
    diff: (raw.diff as boolean | string | undefined) ?? parent.diff,
    runOnce: (raw.run_once as boolean | string | undefined) ?? parent.runOnce,
    ignoreUnreachable: (raw.ignore_unreachable as boolean | string | undefined) ?? parent.ignoreUnreachable,
    notify: raw.notify === undefined ? parent.notify : list(raw.notify as string | string[]),
    listen: [...(parent.listen ?? []), ...list(raw.listen as string | string[])],
    rescued: parent.rescued,
    includeParams: parent.includeParams,
    moduleDefaults: mergeDefaults(parent.moduleDefaults, raw.module_defaults as Inherited['moduleDefaults']),
    role: parent.role,
  };
}

/** A module's defaults; service runs systemd's module on systemd hosts, so systemd's defaults apply to it too, as in Ansible. */
export function moduleDefaultsFor(module: string, defaults: Inherited['moduleDefaults']): Record<string, unknown> | undefined {
  if (module !== 'service' || !defaults?.systemd) return defaults?.[module];
  return { ...defaults.systemd, ...defaults.service };
}

/** module_defaults nearer the task win, argument by argument; module names are taken without their collection. */
export function mergeDefaults(outer: Inherited['moduleDefaults'], inner: Inherited['moduleDefaults']): Inherited['moduleDefaults'] {
  if (!inner) return outer;
  const merged = { ...outer };
  for (const [name, args] of Object.entries(inner)) {
    const module = resolveModuleName(name);
    merged[module] = { ...merged[module], ...args };
  }
  return merged;
}

/** loop_control: the item's name, the index's, the label, and extended's ansible_loop. */
export function loopControlOf(raw: Record<string, unknown>): Omit<Looping, 'loop' | 'loopLookup'> {
  const control = (raw.loop_control ?? {}) as {
    loop_var?: string;
    index_var?: string;
    label?: string;
    extended?: boolean;
    extended_allitems?: boolean;
    pause?: number | string;
  };
  return {
    loopVar: control.loop_var ?? 'item',
    indexVar: control.index_var,
    loopExtended: control.extended ? (control.extended_allitems === false ? 'yes' : 'allitems') : undefined,
    loopLabel: control.label,
    loopPause: control.pause,
  };
}

/**
 * Ansible's older spelling, `action: slurp src=/x` or `action: {module: slurp, src: /x}`, as the
 * module key it stands for (the rest of a string is the module's free-form or key=value arguments).
 */
export function fromActionKeyword(raw: Record<string, unknown>): Record<string, unknown> {
  const { action, ...rest } = raw;
  if (typeof action === 'string') {
    // The module may be a template ('{{ ansible_facts.pkg_mgr }}'), spaces and all.
    const [, module, args] = /^\s*(\{\{.*?\}\}|\S+)\s*(.*)$/s.exec(action) ?? [];
    return { ...rest, [module]: args === '' ? null : args };
  }
  const { module, ...args } = action as { module: string };
  return { ...rest, [module]: args };
}

/** A task's loop: `loop`, or a `with_<lookup>` keyword whose lookup the runner has. */
export function loopOf(raw: Record<string, unknown>, at: TaskSource): Pick<Looping, 'loop' | 'loopLookup'> {
  const withKeys = Object.keys(raw).filter((key) => key.startsWith('with_'));
  const keys = [...('loop' in raw ? ['loop'] : []), ...withKeys];
  if (keys.length > 1) throw new UserError(`this task has two loops, '${keys[0]}' and '${keys[1]}'.`, at.source.locate([...at.path, keys[1]]), 'Keep one.');
  if (withKeys.length === 0) return { loop: raw.loop };
  const lookup = lookupName(withKeys[0].slice('with_'.length));
  if (!Object.hasOwn(lookups, lookup))
    throw new UserError(
      `'${withKeys[0]}' names the lookup '${lookup}', which this runner does not have.`,
      at.source.locate([...at.path, withKeys[0]]),
      `Use 'loop:' with a list, or one of: ${Object.keys(lookups)
        .map((name) => `with_${name}`)
        .join(', ')}.`,
    );
  return { loop: raw[withKeys[0]], loopLookup: lookup };
}
