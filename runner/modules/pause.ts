import { setTimeout as sleep } from 'node:timers/promises';
import Type from 'typebox';
import { defineModule } from './module.js';

export default defineModule({
  name: 'pause',
  description:
    'Waits on the controller for some seconds or minutes (to let a change settle). A prompt is not answered: runs are non-interactive, so a pause without a time goes on at once with a warning, as Ansible does when its input is not a terminal.',
  args: Type.Object(
    {
      seconds: Type.Optional(Type.Number({ description: 'Seconds to wait.' })),
      minutes: Type.Optional(Type.Number({ description: 'Minutes to wait.' })),
      prompt: Type.Optional(Type.String({ description: 'Text shown while waiting.' })),
      echo: Type.Boolean({ default: true, description: "Ansible's: whether typed input is shown (input is not read here)." }),
    },
    { additionalProperties: false },
  ),
  returns: {
    delta: { description: 'Seconds waited.', type: 'number' },
    user_input: { description: 'Always empty: no input is read.', type: 'string' },
  },
  examples: [{ description: 'Give a restarted service a moment.', task: 'pause:\n  seconds: 1' }],
  checkMode: 'full',
  async plan(args) {
    const seconds = args.seconds ?? (args.minutes !== undefined ? args.minutes * 60 : undefined);
    const start = new Date();
    if (seconds === undefined)
      return {
        changed: false,
        user_input: '',
        echo: args.echo,
        start: start.toISOString(),
        stop: start.toISOString(),
        delta: 0,
        stdout: 'Paused for 0.0 seconds',
        warnings: ['Not waiting for response to prompt as stdin is not interactive'],
      };
    await sleep(seconds * 1000);
    const stop = new Date();
    return {
      changed: false,
      user_input: '',
      echo: args.echo,
      start: start.toISOString(),
      stop: stop.toISOString(),
      delta: Math.round((stop.getTime() - start.getTime()) / 1000),
      stdout: `Paused for ${seconds} seconds`,
    };
  },
});
