/**
 * dns.provider-kube-dns (advisory): the cluster DNS Service is served by kube-dns (kubedns +
 * dnsmasq + sidecar, as GKE Standard may run), not CoreDNS. Corefile, CoreDNS log and version
 * checks do not apply and are skipped; the report says so instead of calling them healthy.
 * Guide: Step 2 (check the DNS pods) and Step 3 (logs) read differently for kube-dns.
 */
import type { Check } from '../model/check.js';
import type { Evidence } from '../model/evidence.js';
import type { Finding } from '../model/finding.js';
import { seenValue } from '../model/gathered.js';
import { dnsNamespace, dnsPodSelector } from './support/names.js';
import { clip } from './support/text.js';
import { finding } from './support.js';
import { svcRef } from './support-service.js';

function run(e: Evidence): Finding[] {
  const dns = seenValue(e.clusterDns);
  if (dns?.provider !== 'kube-dns') return [];
  const ns = dnsNamespace(e);
  const selector = dnsPodSelector(e);
  const images = (seenValue(e.corednsPods)?.[0]?.spec.containers ?? []).flatMap((c) =>
    c.image ? [c.image] : [],
  );
  return [
    finding('dns.provider-kube-dns', {
      severity: 'info',
      title: `Cluster DNS ${svcRef(dns.service)} (${dns.ip}) is served by kube-dns, not CoreDNS`,
      detail:
        'This cluster runs kube-dns (kubedns with a dnsmasq cache), so the CoreDNS-only checks (Corefile, CoreDNS logs and version) were skipped, not passed. Upstreams and stub domains live in the kube-dns ConfigMap, and the logs are per container (kubedns, dnsmasq, sidecar).',
      evidence: [
        { source: `Service ${svcRef(dns.service)}`, text: clip(`clusterIP ${dns.ip}; provider kube-dns`) },
        ...(images.length > 0 ? [{ source: 'DNS pod images', text: clip(images.join(', ')) }] : []),
      ],
      remedies: [
        {
          summary: 'Inspect kube-dns the way the guide inspects CoreDNS',
          commands: [
            `kubectl -n ${ns} get pods -l ${selector} -o wide`,
            `kubectl -n ${ns} logs -l ${selector} -c kubedns --tail=200 --timestamps`,
            `kubectl -n ${ns} logs -l ${selector} -c dnsmasq --tail=200 --timestamps`,
            `kubectl -n ${ns} get configmap kube-dns -o yaml`,
          ],
        },
      ],
      weight: 0.1,
    }),
  ];
}

export const check: Check = { id: 'dns.provider-kube-dns', needs: ['clusterDns'], run };
