import { describe, expect, it } from 'vitest';
import { check } from '../../../playbooks/checks/coredns-no-pods.js';
import type { Evidence } from '../../../playbooks/model/evidence.js';
import { seen, unseen } from '../../../playbooks/model/gathered.js';
import { corednsPod, healthyEvidence } from '../../fixtures/evidence.js';

function noPods(replicas: number): Evidence {
  return {
    ...healthyEvidence(),
    corednsDeployment: seen({
      metadata: { name: 'coredns', namespace: 'kube-system' },
      spec: { replicas },
      status: { replicas: 0, readyReplicas: 0 },
    }),
    corednsPods: seen([]),
    corednsEndpoints: seen([]),
  };
}

describe('coredns.no-pods', () => {
  it('fires critical when the Deployment is scaled to 0, with the scale command', () => {
    const [f, ...rest] = check.run(noPods(0));

    expect(rest).toEqual([]);
    expect(f?.checkId).toBe('coredns.no-pods');
    expect(f?.severity).toBe('critical');
    expect(f?.title).toContain('kube-system/coredns');
    expect(f?.evidence.map((x) => x.text)).toContain('spec.replicas=0 status.replicas=0 readyReplicas=0');
    expect(f?.remedies[0]?.commands).toContain(
      'kubectl -n kube-system scale deployment coredns --replicas=2',
    );
    expect(f?.weight).toBe(0.9);
  });

  it('fires when the Deployment wants pods but none exist, pointing at the ReplicaSet events', () => {
    const [f] = check.run(noPods(2));

    expect(f?.severity).toBe('critical');
    expect(f?.title).toContain('kube-system/kube-dns');
    expect(f?.evidence.some((x) => x.text === '0 pods' && x.source.includes('k8s-app=kube-dns'))).toBe(true);
    expect(f?.remedies[0]?.commands).toContain('kubectl -n kube-system describe deployment coredns');
  });

  it('says nothing on a healthy cluster', () => {
    expect(check.run(healthyEvidence())).toEqual([]);
  });

  it.each([
    [
      'pods exist but are not ready (pods-not-ready says so)',
      (e: Evidence): Evidence => {
        const p = corednsPod('coredns-5d78c9869d-abcde', 'node-b', '10.244.2.3');
        p.status = { ...p.status, phase: 'Pending', conditions: [{ type: 'Ready', status: 'False' }] };
        return { ...e, corednsPods: seen([p]) };
      },
    ],
    [
      'the pod list is empty but the Service has ready endpoints',
      (e: Evidence): Evidence => ({
        ...e,
        corednsPods: seen([]),
      }),
    ],
  ])('does not fire when %s', (_, change) => {
    expect(check.run(change(healthyEvidence()))).toEqual([]);
  });

  it.each([
    ['unseen', { corednsPods: unseen('403'), corednsDeployment: unseen('403') }],
    ['absent', { corednsPods: undefined, corednsDeployment: undefined, corednsEndpoints: undefined }],
  ])('stays quiet without throwing when pods and Deployment are %s', (_, over) => {
    const e: Evidence = { ...healthyEvidence(), ...over };
    expect(() => check.run(e)).not.toThrow();
    expect(check.run(e)).toEqual([]);
  });

  it('declares the evidence it needs', () => {
    expect(check.needs).toEqual(['corednsPods']);
  });
});

describe('coredns.no-pods, when the Service selects none of the pods the Deployment runs', () => {
  it('leaves it to coredns.service-no-endpoints: the Deployment has ready pods', () => {
    const e: Evidence = {
      ...healthyEvidence(),
      corednsDeployment: seen({
        metadata: { name: 'coredns', namespace: 'kube-system' },
        spec: { replicas: 2 },
        status: { replicas: 2, readyReplicas: 2, availableReplicas: 2 },
      }),
      corednsPods: seen([]),
      corednsEndpoints: seen([]),
    };
    expect(check.run(e)).toEqual([]);
  });
});
