import test from 'ava';
import { modules } from './registry.js';

test('every module documents itself: a description, each argument, what it returns, and an example', (t) => {
  for (const module of modules.values()) {
    t.true(module.description.length > 20, `${module.name}: description`);
    for (const [name, spec] of Object.entries(module.args.properties))
      t.truthy((spec as { description?: string }).description, `${module.name}: argument ${name}`);
    for (const [name, value] of Object.entries(module.returns)) t.truthy(value.description, `${module.name}: returns ${name}`);
    t.true(module.examples.length > 0, `${module.name}: an example`);
    if (module.freeForm) t.truthy(module.args.properties[module.freeForm], `${module.name}: free-form argument ${module.freeForm}`);
  }
});
