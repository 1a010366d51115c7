import { describe, expect, it } from 'vitest';
import { check } from '../../../playbooks/checks/dns-provider-kube-dns.js';
import type { Evidence } from '../../../playbooks/model/evidence.js';
import { seen, unseen } from '../../../playbooks/model/gathered.js';
import { corednsPod, dnsService, healthyEvidence } from '../../fixtures/evidence.js';

function kubeDns(): Evidence {
  const p = corednsPod('kube-dns-7f9b8c6d5-abcde', 'node-b', '10.244.2.3');
  p.spec.containers = [
    { name: 'kubedns', image: 'gke.gcr.io/k8s-dns-kube-dns:1.23.0-gke.9' },
    { name: 'dnsmasq', image: 'gke.gcr.io/k8s-dns-dnsmasq-nanny:1.23.0-gke.9' },
  ];
  return {
    ...healthyEvidence(),
    clusterDns: seen({
      service: dnsService(),
      ip: '10.96.0.10',
      clusterDomain: 'cluster.local',
      provider: 'kube-dns',
    }),
    corednsPods: seen([p]),
  };
}

describe('dns.provider-kube-dns', () => {
  it('notes kube-dns as an advisory, never more than info', () => {
    const [f, ...rest] = check.run(kubeDns());

    expect(rest).toEqual([]);
    expect(f?.checkId).toBe('dns.provider-kube-dns');
    expect(f?.severity).toBe('info');
    expect(f?.weight).toBeLessThanOrEqual(0.1);
    expect(f?.title).toBe('Cluster DNS kube-system/kube-dns (10.96.0.10) is served by kube-dns, not CoreDNS');
    expect(f?.detail).toContain('skipped');
    expect(f?.evidence[1]?.text).toContain('k8s-dns-dnsmasq-nanny');
    expect(f?.remedies[0]?.commands).toContain(
      'kubectl -n kube-system logs -l k8s-app=kube-dns -c dnsmasq --tail=200 --timestamps',
    );
    expect(f?.remedies[0]?.commands).toContain('kubectl -n kube-system get configmap kube-dns -o yaml');
  });

  it('says nothing on a healthy CoreDNS cluster', () => {
    expect(check.run(healthyEvidence())).toEqual([]);
  });

  it.each([
    ['unseen', { clusterDns: unseen('services is forbidden') }],
    ['absent', { clusterDns: undefined, corednsPods: undefined }],
  ])('stays quiet when the cluster DNS is %s', (_, over) => {
    expect(check.run({ ...kubeDns(), ...over })).toEqual([]);
  });
});
