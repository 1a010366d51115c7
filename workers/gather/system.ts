/**
 * kube-system sources shared by the kube-proxy and NodeLocal gatherers: its DaemonSets (one list
 * serves kube-proxy, node-local-dns and cilium) and the kube-system pods on the diagnosed node
 * (one list finds both the kube-proxy and the node-cache pod there).
 */
import type { Gathered } from '../../playbooks/model/gathered.js';
import type { DaemonSet, Pod } from '../../playbooks/model/k8s.js';
import type { TemplateSpec } from '../k8s/types.js';
import type { GatherContext } from './context.js';
import { DNS_NAMESPACE } from './dns-service.js';
import { attempt } from './support.js';

export function kubeSystemDaemonSets(ctx: GatherContext): Promise<Gathered<DaemonSet[]>> {
  return ctx.once('daemonsets:kube-system', () => attempt(() => ctx.reader.listDaemonSets(DNS_NAMESPACE)));
}

export function kubeSystemPodsOnNode(ctx: GatherContext, node: string): Promise<Gathered<Pod[]>> {
  return ctx.once(`pods:kube-system:${node}`, () =>
    attempt(() => ctx.reader.listPods(DNS_NAMESPACE, { fieldSelector: `spec.nodeName=${node}` })),
  );
}

/** The pod template of a DaemonSet as the API sends it (the model keeps only metadata and status). */
export function templateOf(ds: DaemonSet): TemplateSpec | undefined {
  return (ds as { spec?: { template?: { spec?: TemplateSpec } } }).spec?.template?.spec;
}

/** Every command-line word of every container. */
export function argsOf(spec: TemplateSpec | undefined): string[] {
  return (spec?.containers ?? []).flatMap((c) => [...(c.command ?? []), ...(c.args ?? [])]);
}

/** The value of `--flag=value` or `-flag value` among the words. */
export function flagValue(args: readonly string[], flag: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    for (const dash of ['--', '-']) {
      if (a.startsWith(`${dash}${flag}=`)) return a.slice(dash.length + flag.length + 1);
      if (a === `${dash}${flag}`) return args[i + 1];
    }
  }
  return undefined;
}
