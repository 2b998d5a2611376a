import Type from 'typebox';
import { shellQuote } from '../../shell/quote.js';

/** The cluster's kubeconfig on the host, as every kubectl- or helm-backed module takes it. */
export const kubeconfigArg = Type.String({
  default: '/etc/rancher/k3s/k3s.yaml',
  aliases: ['kubeconfig_path'],
  description: "The cluster's kubeconfig on the host.",
});

/** The arguments of the kubernetes.core modules that work through the host's kubectl. */
export const kubectlArgs = {
  kubeconfig: kubeconfigArg,
  kubectl: Type.String({ default: 'k3s kubectl', description: 'The kubectl command on the host (K3s brings one).' }),
};

/** kubectl on the host, pointed at the cluster's kubeconfig. */
export const kubectlCommand = (args: { kubectl: string; kubeconfig: string }) => `${args.kubectl} --kubeconfig ${shellQuote(args.kubeconfig)}`;

/** helm on the host, pointed at the cluster's kubeconfig and a release's namespace. */
export const helmCommand = (args: { binary_path: string; kubeconfig: string }, namespace: string) =>
  `${args.binary_path} --kubeconfig ${shellQuote(args.kubeconfig)} -n ${shellQuote(namespace)}`;
