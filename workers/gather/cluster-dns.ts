/**
 * The cluster's DNS front door: the Service, the IP pods get, the cluster domain (from the
 * Corefile's kubernetes plugin, or kube-dns's `--domain`; never assumed) and the provider.
 */
import type { ClusterDns } from '../../playbooks/model/evidence.js';
import type { Gathered } from '../../playbooks/model/gathered.js';
import { clusterDomain } from '../../playbooks/parsers/corefile-queries.js';
import type { GatherContext } from './context.js';
import { corefile, kubeDnsDomain } from './corefile.js';
import { detectProvider, dnsPods, dnsService } from './dns-service.js';
import { attempt, cannotSee, need } from './support.js';

export function clusterDns(ctx: GatherContext): Promise<Gathered<ClusterDns>> {
  return ctx.once('clusterDns', () =>
    attempt(async () => {
      const service = need(await dnsService(ctx), 'the cluster DNS Service');
      const pods = await dnsPods(ctx);
      // A readable Corefile means CoreDNS even when its pods could not be listed.
      const provider = pods.ok ? detectProvider(pods.value) : 'coredns';
      let domain: string | undefined;
      if (provider === 'kube-dns') {
        domain = kubeDnsDomain(need(pods, 'the cluster DNS pods'));
        if (!domain) cannotSee('kube-dns pods carry no --domain flag: cluster domain unknown');
      } else {
        const cf = need(await corefile(ctx), 'the Corefile (for the cluster domain)');
        domain = clusterDomain(cf.parsed);
        if (!domain)
          cannotSee(`the Corefile (${cf.source}) has no kubernetes plugin zone: cluster domain unknown`);
      }
      const ips = [service.spec.clusterIP, ...(service.spec.clusterIPs ?? [])];
      const ip =
        ctx.nameserverIp && ips.includes(ctx.nameserverIp)
          ? ctx.nameserverIp
          : (service.spec.clusterIP ?? '');
      return { service, ip, clusterDomain: domain, provider };
    }),
  );
}
