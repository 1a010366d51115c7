/**
 * The Corefile CoreDNS really runs: the ConfigMap its pods mount (named in their volumes, not
 * assumed), parsed. Also the cluster domain of GKE's kube-dns, which has no Corefile but a
 * `--domain` flag.
 */
import type { CorefileEvidence } from '../../playbooks/model/evidence.js';
import type { Gathered } from '../../playbooks/model/gathered.js';
import type { Pod } from '../../playbooks/model/k8s.js';
import { parseCorefile } from '../../playbooks/parsers/corefile.js';
import type { TemplateSpec } from '../k8s/types.js';
import type { GatherContext } from './context.js';
import { withCustom } from './corefile-custom.js';
import { DNS_NAMESPACE, detectProvider, dnsPods, dnsService } from './dns-service.js';
import { attempt, cannotSee } from './support.js';

export interface ConfigMapRef {
  name: string;
  /** The key holding the file. */
  key: string;
}

/**
 * The ConfigMap volume holding a config file: the one with an item for `file`, else the first
 * ConfigMap volume not named like an add-on (`coredns-custom` on AKS is imported, not the main file).
 */
export function configMapVolume(spec: TemplateSpec | undefined, file: string): ConfigMapRef | undefined {
  const volumes = (spec?.volumes ?? []).filter((v) => v.configMap?.name);
  for (const v of volumes) {
    const item = v.configMap?.items?.find((i) => i.path === file || i.key === file);
    if (item && v.configMap?.name) return { name: v.configMap.name, key: item.key };
  }
  const plain = volumes.find((v) => !v.configMap?.items && !/custom/.test(v.configMap?.name ?? ''));
  return plain?.configMap?.name ? { name: plain.configMap.name, key: file } : undefined;
}

/** kube-dns's `--domain=cluster.local.` flag, without the trailing dot. */
export function kubeDnsDomain(pods: readonly Pod[]): string | undefined {
  for (const pod of pods) {
    for (const c of (pod.spec as TemplateSpec).containers ?? []) {
      for (const arg of [...(c.command ?? []), ...(c.args ?? [])]) {
        const m = /^--domain=(.+?)\.?$/.exec(arg);
        if (m?.[1]) return m[1];
      }
    }
  }
  return undefined;
}

export function corefile(ctx: GatherContext): Promise<Gathered<CorefileEvidence>> {
  return ctx.once('corefile', () =>
    attempt(async () => {
      const [service, pods] = await Promise.all([dnsService(ctx), dnsPods(ctx)]);
      if (pods.ok && detectProvider(pods.value) === 'kube-dns')
        cannotSee('the cluster DNS is kube-dns, which has no Corefile');
      const namespace = (service.ok ? service.value.metadata.namespace : undefined) ?? DNS_NAMESPACE;
      // Without the pods (not allowed, say) the ConfigMap every distribution names `coredns`.
      const ref = (pods.ok ? pods.value : [])
        .map((p) => configMapVolume(p.spec as TemplateSpec, 'Corefile'))
        .find((r) => r !== undefined) ?? { name: 'coredns', key: 'Corefile' };
      const cm = await ctx.reader.getConfigMap(namespace, ref.name);
      const text = cm.data?.[ref.key];
      if (text === undefined) cannotSee(`ConfigMap ${namespace}/${ref.name} has no ${ref.key} key`);
      const main = { text, parsed: parseCorefile(text), source: `${namespace}/${ref.name}` };
      return withCustom(ctx, namespace, pods.ok ? pods.value : [], main);
    }),
  );
}
