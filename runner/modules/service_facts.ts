import Type from 'typebox';
import { activeStatesCommand, addUnloaded, parseServices, servicesCommand } from '../facts/services.js';
import { defineModule } from './module.js';

export default defineModule({
  name: 'service_facts',
  description:
    "Reads the host's systemd services into ansible_facts.services (and services): each one's state (running or stopped) and status (enabled, disabled, static, ...), as Ansible's service_facts.",
  args: Type.Object({}, { additionalProperties: false }),
  returns: { ansible_facts: { description: 'services: by unit name, its name, state, status and source (systemd).', type: 'dict' } },
  examples: [
    {
      description: "Read the services, for later tasks that act only where one runs (ansible_facts.services['ufw.service'].state == 'running').",
      task: 'service_facts: {}',
    },
  ],
  checkMode: 'full',
  async plan(_args, ctx) {
    const { services, unloaded } = parseServices(await ctx.read('listing the services', servicesCommand));
    // A template unit (getty@.service) has no state of its own: systemctl show refuses it, and Ansible says 'unknown'.
    const names = Object.keys(unloaded).filter((name) => !name.endsWith('@.service'));
    const shown = names.length ? await ctx.read('reading the services not loaded', activeStatesCommand(names)) : '';
    addUnloaded(services, unloaded, { names, output: shown });
    return { changed: false, ansible_facts: { services }, gatheredFacts: { services } };
  },
});
