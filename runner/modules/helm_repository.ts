import Type from 'typebox';
import { shellQuote } from '../shell/quote.js';
import { defineModule } from './module.js';
import { commandFailure, plannedBeforeInstall } from './support/command-failure.js';

const repositoryArgs = Type.Object(
  {
    repo_name: Type.String({ aliases: ['name'], description: 'The name helm knows the repository by (the REPO of REPO/CHART).' }),
    repo_url: Type.Optional(Type.String({ aliases: ['url'], description: 'Its URL (needed when present).' })),
    repo_state: Type.Enum(['present', 'absent'], { default: 'present', aliases: ['state'], description: 'present: known at this URL; absent: removed.' }),
    force_update: Type.Boolean({
      default: false,
      description: 'Replace a repository of this name at another URL (helm repo add --force-update); without it, that fails.',
    }),
    binary_path: Type.String({ default: 'helm', description: 'The helm program on the host.' }),
  },
  { additionalProperties: false },
);

export default defineModule({
  name: 'helm_repository',
  collectionNames: ['kubernetes.core.helm_repository', 'community.kubernetes.helm_repository'],
  description:
    "Adds or removes a chart repository as kubernetes.core.helm_repository does, through the host's helm (repo add downloads its index; repo list says what is known).",
  args: repositoryArgs,
  returns: { repo_name: { description: 'The repository name.', type: 'string' } },
  examples: [
    {
      description: "The Prometheus community's charts.",
      task: 'helm_repository:\n  repo_name: prometheus-community\n  repo_url: https://prometheus-community.github.io/helm-charts',
    },
  ],
  checkMode: 'full',
  async plan(args, ctx) {
    const name = shellQuote(args.repo_name);
    const add = {
      what: `helm repo add ${args.repo_name}`,
      command: `${args.binary_path} repo add ${name} ${shellQuote(args.repo_url ?? '')}${args.force_update ? ' --force-update' : ''}`,
    };
    if (args.repo_state === 'present' && !args.repo_url) return { changed: false, failed: true, msg: 'repo_url is required when repo_state is present' };
    const list = await ctx.run(`${args.binary_path} repo list -o json`);
    if (args.repo_state === 'present') {
      const beforeInstall = plannedBeforeInstall(list, args.binary_path, 'the repository would be added', add);
      if (beforeInstall) return { ...beforeInstall, repo_name: args.repo_name };
    } else if (list.rc === 127) return { changed: false, repo_name: args.repo_name, msg: `${args.binary_path} is not on the host: no repository to remove` };
    if (list.rc !== 0) return { changed: false, failed: true, msg: commandFailure('helm repo list', list) };
    const known = (JSON.parse(list.stdout || '[]') as Array<{ name: string; url: string }>).find((repo) => repo.name === args.repo_name);
    if (args.repo_state === 'absent')
      return known
        ? {
            changed: true,
            repo_name: args.repo_name,
            steps: [{ what: `helm repo remove ${args.repo_name}`, command: `${args.binary_path} repo remove ${name}` }],
          }
        : { changed: false, repo_name: args.repo_name };
    // helm keeps the URL as given, less a trailing slash.
    const wanted = args.repo_url!.replace(/\/+$/, '');
    if (known && known.url.replace(/\/+$/, '') === wanted) return { changed: false, repo_name: args.repo_name };
    if (known && !args.force_update)
      return {
        changed: false,
        failed: true,
        msg: `repository ${args.repo_name} is already at ${known.url}, not ${args.repo_url}: set force_update to replace it`,
      };
    return {
      changed: true,
      repo_name: args.repo_name,
      diff: ctx.diff ? [{ path: `helm repository ${args.repo_name}`, before: known ? `${known.url}\n` : '', after: `${wanted}\n` }] : undefined,
      steps: [add],
    };
  },
});
