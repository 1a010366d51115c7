import { describe, expect, it } from 'vitest';
import { check } from '../../../playbooks/checks/service-tolerate-unready-annotation.js';
import type { Evidence } from '../../../playbooks/model/evidence.js';
import { seen, unseen } from '../../../playbooks/model/gathered.js';
import type { EndpointSlice, Service } from '../../../playbooks/model/k8s.js';
import { healthyEvidence } from '../../fixtures/evidence.js';

const ANNOTATION = 'service.alpha.kubernetes.io/tolerate-unready-endpoints';

function etcd(
  over: Partial<Service['spec']> = {},
  annotations: Record<string, string> = { [ANNOTATION]: 'true' },
): Service {
  return {
    metadata: { name: 'etcd', namespace: 'data', annotations },
    spec: { clusterIP: 'None', selector: { app: 'etcd' }, ...over },
  };
}

const SLICES: EndpointSlice[] = [
  {
    metadata: { name: 'etcd-q8x2m', namespace: 'data' },
    endpoints: [
      { addresses: ['10.244.6.1'], conditions: { ready: true }, targetRef: { kind: 'Pod', name: 'etcd-0' } },
      { addresses: ['10.244.6.2'], conditions: { ready: false }, targetRef: { kind: 'Pod', name: 'etcd-2' } },
    ],
  },
];

function asking(svc: Service, version = '1.8.4'): Evidence {
  return {
    ...healthyEvidence(),
    corednsVersion: seen(version),
    askedName: seen({
      name: 'etcd-2.etcd.data.svc.cluster.local',
      kind: 'cluster',
      service: svc,
      endpointSlices: SLICES,
    }),
  };
}

describe('service.tolerate-unready-annotation', () => {
  it('fires critical when not-ready pods lose their records on CoreDNS 1.8.4', () => {
    const [f, ...rest] = check.run(asking(etcd()));

    expect(rest).toEqual([]);
    expect(f?.checkId).toBe('service.tolerate-unready-annotation');
    expect(f?.severity).toBe('critical');
    expect(f?.weight).toBe(0.7);
    expect(f?.title).toBe(`Service data/etcd relies on ${ANNOTATION}, which CoreDNS 1.8.4 ignores`);
    expect(f?.evidence[0]).toEqual({
      source: 'Service data/etcd',
      text: `${ANNOTATION}: "true"; publishNotReadyAddresses unset`,
    });
    expect(f?.evidence[2]?.text).toBe('1 not-ready endpoints without records: etcd-2');
    expect(f?.remedies[0]?.commands).toContain(
      `kubectl -n data patch service etcd -p '{"spec":{"publishNotReadyAddresses":true}}'`,
    );
  });

  it("warns about the client's governing Service when nothing is unready now", () => {
    const e: Evidence = {
      ...healthyEvidence(),
      corednsVersion: seen('1.11.3'),
      clientOwner: seen({ governingService: etcd() }),
    };

    const [f] = check.run(e);

    expect(f?.severity).toBe('warning');
    expect(f?.weight).toBe(0.5);
    expect(f?.title).toContain('Service data/etcd');
  });

  it('says nothing on a healthy cluster', () => {
    expect(check.run(healthyEvidence())).toEqual([]);
  });

  it.each([
    ['publishNotReadyAddresses is set too', etcd({ publishNotReadyAddresses: true }), '1.8.4'],
    ['CoreDNS is older than 1.8.4 (Endpoints still honour it)', etcd(), '1.8.3'],
    ['there is no annotation', etcd({}, {}), '1.11.3'],
    ['the annotation is false', etcd({}, { [ANNOTATION]: 'false' }), '1.11.3'],
    [
      'the Service has a ClusterIP (its record does not depend on endpoints)',
      etcd({ clusterIP: '10.100.7.7' }),
      '1.11.3',
    ],
  ] as [string, Service, string][])('does not fire when %s', (_, svc, version) => {
    expect(check.run(asking(svc, version))).toEqual([]);
  });

  it.each([
    ['unseen', { corednsVersion: unseen('pods is forbidden'), askedName: unseen('services is forbidden') }],
    ['absent', { corednsVersion: undefined, askedName: undefined, clientOwner: undefined }],
  ])('stays quiet when the evidence is %s', (_, over) => {
    expect(check.run({ ...asking(etcd()), ...over })).toEqual([]);
  });
});
