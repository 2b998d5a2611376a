import assertModule from './assert.js';
import command from './command.js';
import copy from './copy.js';
import debug from './debug.js';
import fail from './fail.js';
import file from './file.js';
import lineinfile from './lineinfile.js';
import type { ModuleDefinition } from './module.js';
import setFact from './set_fact.js';
import shell from './shell.js';
import template from './template.js';

/** Every module a task can name, by its short name ('ansible.builtin.X' resolves to 'X'). */
export const modules: ReadonlyMap<string, ModuleDefinition> = new Map(
  [assertModule, command, copy, debug, fail, file, lineinfile, setFact, shell, template].map((module) => [module.name, module]),
);

/** Keys that name engine actions rather than modules. */
export const ENGINE_ACTIONS = ['meta'] as const;

export function resolveModuleName(key: string): string {
  return key.replace(/^ansible\.(builtin|legacy)\./, '');
}
