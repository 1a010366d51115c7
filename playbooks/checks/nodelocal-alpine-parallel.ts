/**
 * nodelocal.alpine-parallel: a musl (Alpine) client lists NodeLocal DNSCache and the cluster DNS
 * IP together. musl asks every nameserver at once and takes the first answer, so a good share of
 * queries bypass the cache and load CoreDNS, and failures on either path reach the client.
 * Guide: "NodeLocal DNSCache is not working"; Alpine Linux caveats.
 */
import type { Check } from '../model/check.js';
import type { Evidence } from '../model/evidence.js';
import type { Finding, Remedy } from '../model/finding.js';
import { seenValue } from '../model/gathered.js';
import { clusterDnsIps, nodeLocalIps } from './support/nodelocal.js';
import { quote } from './support/text.js';
import { finding } from './support.js';
import { clientRef, execInClient, patchPodSpec, resolvLines, resolvSource } from './support-pod.js';

function run(e: Evidence): Finding[] {
  const libc = seenValue(e.clientLibc);
  const observed = seenValue(e.podResolvConf);
  if (libc?.libc !== 'musl' || !observed) return [];
  const nl = seenValue(e.nodeLocal);
  if (nl && !nl.deployed) return []; // no cache to bypass (nodelocal.not-running speaks to that)
  const servers = observed.parsed.nameservers;
  const local = servers.find((ip) => nodeLocalIps(e).includes(ip));
  const cluster = servers.find((ip) => clusterDnsIps(e).includes(ip));
  if (!local || !cluster) return [];

  const pod = seenValue(e.clientPod);
  const ref = clientRef(e);
  const remedies: Remedy[] = [];
  if (pod) {
    remedies.push({
      summary:
        'Rebuild on a non-Alpine (glibc) base image, which tries nameservers in order; confirm the libc first.',
      commands: [execInClient(pod, libc.image, 'ls /lib/ld-musl-*')],
    });
    const options = Object.entries(observed.parsed.options).map(([name, v]) =>
      v === true ? { name } : { name, value: String(v) },
    );
    remedies.push({
      summary: `Or list NodeLocal ${local} alone for this workload (no fallback if node-cache stops).`,
      commands: [
        patchPodSpec(pod, {
          dnsPolicy: 'None',
          dnsConfig: { nameservers: [local], searches: observed.parsed.search, options },
        }),
      ],
    });
  }
  return [
    finding('nodelocal.alpine-parallel', {
      severity: 'warning',
      title: `musl client ${ref} queries NodeLocal ${local} and cluster DNS ${cluster} in parallel, bypassing the cache`,
      detail:
        `Pod ${ref} resolves with musl, which sends each query to all nameservers at once and keeps the first answer. ` +
        `With both ${local} and ${cluster} listed, many queries skip NodeLocal DNSCache and hit CoreDNS directly, and a failure on either path reaches the application.`,
      evidence: [
        quote(resolvSource(observed, ref), resolvLines(observed, 'nameserver')),
        quote(
          'client libc',
          `musl ${libc.version ?? ''}${libc.inferred ? ' (inferred from image)' : ''} ${libc.image ?? ''}`,
        ),
      ],
      remedies,
      weight: libc.inferred ? 0.5 : 0.7,
    }),
  ];
}

export const check: Check = { id: 'nodelocal.alpine-parallel', needs: ['clientLibc', 'podResolvConf'], run };
