import { describe, expect, it } from 'vitest';
import { check } from '../../../playbooks/checks/coredns-service-no-endpoints.js';
import type { Evidence } from '../../../playbooks/model/evidence.js';
import { seen, unseen } from '../../../playbooks/model/gathered.js';
import type { EndpointSlice } from '../../../playbooks/model/k8s.js';
import { corednsPod, healthyEvidence } from '../../fixtures/evidence.js';

function slice(ready: boolean | undefined): EndpointSlice {
  return {
    metadata: { name: 'kube-dns-x7k2p', namespace: 'kube-system' },
    endpoints: [
      { addresses: ['10.244.2.3'], conditions: ready === undefined ? {} : { ready }, nodeName: 'node-b' },
    ],
  };
}

function withSlices(slices: EndpointSlice[], base = healthyEvidence()): Evidence {
  return { ...base, corednsEndpoints: seen(slices) };
}

describe('coredns.service-no-endpoints', () => {
  it('blames the selector when ready CoreDNS pods do not match it', () => {
    const pods = [corednsPod('coredns-5d78c9869d-abcde', 'node-b', '10.244.2.3')];
    for (const p of pods) p.metadata.labels = { 'k8s-app': 'coredns' };
    const [f, ...rest] = check.run(withSlices([], { ...healthyEvidence(), corednsPods: seen(pods) }));

    expect(rest).toEqual([]);
    expect(f?.checkId).toBe('coredns.service-no-endpoints');
    expect(f?.severity).toBe('critical');
    expect(f?.title).toBe('DNS Service kube-system/kube-dns has no ready endpoints');
    expect(f?.evidence).toContainEqual({
      source: 'Service kube-system/kube-dns spec.selector',
      text: 'k8s-app=kube-dns',
    });
    expect(f?.evidence).toContainEqual({
      source: 'pod kube-system/coredns-5d78c9869d-abcde labels',
      text: 'k8s-app=coredns',
    });
    expect(f?.remedies[0]?.commands).toContain('kubectl -n kube-system edit service kube-dns');
    expect(f?.weight).toBe(0.9);
  });

  it('points at the pods when every endpoint is unready', () => {
    const pods = [corednsPod('coredns-5d78c9869d-abcde', 'node-b', '10.244.2.3')];
    for (const p of pods) p.status = { ...p.status, conditions: [{ type: 'Ready', status: 'False' }] };
    const [f] = check.run(withSlices([slice(false)], { ...healthyEvidence(), corednsPods: seen(pods) }));

    expect(f?.severity).toBe('critical');
    expect(f?.evidence[0]?.text).toBe('1 slices, 1 endpoints, 0 ready');
    expect(f?.remedies[0]?.commands).toContain(
      'kubectl -n kube-system get endpointslices -l kubernetes.io/service-name=kube-dns -o wide',
    );
    expect(f?.remedies[0]?.commands).toContain('kubectl -n kube-system describe deployment coredns');
    expect(f?.weight).toBe(0.7);
  });

  it('says nothing on a healthy cluster', () => {
    expect(check.run(healthyEvidence())).toEqual([]);
  });

  it.each([
    ['an endpoint without a ready condition (the API means ready)', [slice(undefined)]],
    ['one unready slice next to a ready one', [slice(false), slice(true)]],
  ])('does not fire for %s', (_, slices) => {
    expect(check.run(withSlices(slices))).toEqual([]);
  });

  it.each([
    ['unseen', unseen<EndpointSlice[]>('endpointslices is forbidden')],
    ['absent', undefined],
  ])('stays quiet when the EndpointSlices are %s', (_, corednsEndpoints) => {
    expect(check.run({ ...healthyEvidence(), corednsEndpoints })).toEqual([]);
  });

  it('still fires with defaults when only the EndpointSlices were seen', () => {
    const e: Evidence = { target: {}, observedAt: '2026-11-26T10:00:00Z', corednsEndpoints: seen([]) };
    const [f] = check.run(e);
    expect(f?.title).toBe('DNS Service kube-system/kube-dns has no ready endpoints');
  });
});

describe('coredns.service-no-endpoints, when the selector selects no pod at all', () => {
  function selectsNothing(readyReplicas: number): Evidence {
    const e = healthyEvidence();
    const dns = e.clusterDns?.ok ? e.clusterDns.value : undefined;
    if (dns) dns.service.spec.selector = { 'k8s-app': 'kube-dns', 'app.kubernetes.io/part-of': 'platform' };
    const deployment = {
      metadata: { name: 'coredns', namespace: 'kube-system' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { 'k8s-app': 'kube-dns' } },
        template: { metadata: { labels: { 'k8s-app': 'kube-dns' } } },
      },
      status: { replicas: 2, readyReplicas, availableReplicas: readyReplicas },
    };
    // The gatherer lists pods through the Service's selector: none come back.
    return { ...e, corednsPods: seen([]), corednsEndpoints: seen([]), corednsDeployment: seen(deployment) };
  }

  it("blames the selector from the Deployment's pod template labels", () => {
    const [f] = check.run(selectsNothing(2));

    expect(f?.weight).toBe(0.9);
    expect(f?.detail).toContain('none matches the selector');
    expect(f?.evidence).toContainEqual({
      source: 'Deployment kube-system/coredns pod template labels',
      text: 'k8s-app=kube-dns (2 ready replicas, none selected by the Service)',
    });
    expect(f?.remedies[0]?.commands).toContain('kubectl -n kube-system edit service kube-dns');
  });

  it('does not blame the selector when the Deployment has no ready pod either', () => {
    expect(check.run(selectsNothing(0))[0]?.weight).toBe(0.7);
  });
});
