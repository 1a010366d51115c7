import { describe, expect, it } from 'vitest';
import { check } from '../../../playbooks/checks/nodelocal-alpine-parallel.js';
import type { ClientLibc, Evidence, ObservedResolvConf } from '../../../playbooks/model/evidence.js';
import { seen, unseen } from '../../../playbooks/model/gathered.js';
import { healthyEvidence, OBSERVED_AT, pod } from '../../fixtures/evidence.js';

const BOTH: ObservedResolvConf = {
  text: 'nameserver 169.254.20.10\nnameserver 10.96.0.10\nsearch shop.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:3 timeout:1\n',
  parsed: {
    nameservers: ['169.254.20.10', '10.96.0.10'],
    search: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local'],
    options: { ndots: 3, timeout: 1 },
    unknown: [],
  },
  source: 'probe-pod',
};

const MUSL: ClientLibc = { libc: 'musl', version: '1.2.4', inferred: false, image: 'alpine:3.19' };

function evidence(libc: ClientLibc = MUSL, resolv = BOTH): Evidence {
  const client = pod('web-7d9f', 'shop', 'node-a', { containers: [{ name: 'app', image: 'alpine:3.19' }] });
  client.metadata.labels = { app: 'web', 'pod-template-hash': '6b8c9d' };
  client.metadata.ownerReferences = [{ kind: 'ReplicaSet', name: 'web-6b8c9d', controller: true }];
  return {
    ...healthyEvidence(),
    clientPod: seen(client),
    clientLibc: seen(libc),
    podResolvConf: seen(resolv),
    nodeLocal: seen({ deployed: true, localIp: '169.254.20.10' }),
  };
}

describe('nodelocal.alpine-parallel', () => {
  it('warns that a musl client queries NodeLocal and the cluster DNS together', () => {
    const [f, ...rest] = check.run(evidence());

    expect(rest).toEqual([]);
    expect(f?.checkId).toBe('nodelocal.alpine-parallel');
    expect(f?.severity).toBe('warning');
    expect(f?.weight).toBe(0.7);
    expect(f?.title).toBe(
      'musl client shop/web-7d9f queries NodeLocal 169.254.20.10 and cluster DNS 10.96.0.10 in parallel, bypassing the cache',
    );
    expect(f?.evidence[0]?.text).toBe('nameserver 169.254.20.10\nnameserver 10.96.0.10');
    expect(f?.evidence[1]?.text).toContain('musl 1.2.4');
    expect(f?.remedies[0]?.commands[0]).toBe(
      "kubectl -n shop exec web-7d9f -c app -- sh -c 'ls /lib/ld-musl-*'",
    );
    expect(f?.remedies[1]?.commands[0]).toBe(
      `kubectl -n shop patch deployment web --type merge -p '{"spec":{"template":{"spec":{"dnsPolicy":"None","dnsConfig":{"nameservers":["169.254.20.10"],"searches":["shop.svc.cluster.local","svc.cluster.local","cluster.local"],"options":[{"name":"ndots","value":"3"},{"name":"timeout","value":"1"}]}}}}}'`,
    );
  });

  it('weighs a libc inferred from the image less', () => {
    expect(check.run(evidence({ ...MUSL, inferred: true }))[0]?.weight).toBe(0.5);
  });

  it('gives no finding for the healthy cluster', () => {
    expect(check.run(healthyEvidence())).toEqual([]);
  });

  it.each([
    [
      'a glibc client with both nameservers',
      { libc: 'glibc', version: '2.36', inferred: false } as ClientLibc,
      BOTH,
    ],
    [
      'a musl client with NodeLocal alone',
      MUSL,
      { ...BOTH, parsed: { ...BOTH.parsed, nameservers: ['169.254.20.10'] } } as ObservedResolvConf,
    ],
  ])('is not a fault: %s', (_case, libc, resolv) => {
    expect(check.run(evidence(libc, resolv))).toEqual([]);
  });

  it('leaves a NodeLocal that is not deployed to nodelocal.not-running', () => {
    expect(check.run({ ...evidence(), nodeLocal: seen({ deployed: false }) })).toEqual([]);
  });

  it('does not throw or fire with missing or unseen evidence', () => {
    expect(check.run({ ...evidence(), clientLibc: unseen('exec not allowed') })).toEqual([]);
    expect(check.run({ ...evidence(), podResolvConf: undefined })).toEqual([]);
    expect(check.run({ target: {}, observedAt: OBSERVED_AT, clientLibc: seen(MUSL) })).toEqual([]);
  });
});
