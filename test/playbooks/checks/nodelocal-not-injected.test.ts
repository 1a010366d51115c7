import { describe, expect, it } from 'vitest';
import { check } from '../../../playbooks/checks/nodelocal-not-injected.js';
import type { Evidence, KubeProxyFacts, NodeLocalFacts } from '../../../playbooks/model/evidence.js';
import { seen, unseen } from '../../../playbooks/model/gathered.js';
import type { Corefile } from '../../../playbooks/parsers/corefile-types.js';
import { healthyEvidence, OBSERVED_AT, pod } from '../../fixtures/evidence.js';

function nodeCacheCorefile(...bind: string[]): Corefile {
  return {
    imports: [],
    problems: [],
    servers: [
      {
        keys: [{ zone: 'cluster.local.', port: 53 }],
        line: 1,
        directives: [
          { name: 'errors', args: [], block: [], line: 2 },
          { name: 'bind', args: bind, block: [], line: 3 },
        ],
      },
    ],
  };
}

function evidence(nl: NodeLocalFacts, mode: KubeProxyFacts['mode'] = 'iptables'): Evidence {
  const base = healthyEvidence();
  const client = pod('web-7d9f', 'shop', 'node-a');
  client.metadata.labels = { app: 'web', 'pod-template-hash': '6b8c9d' };
  client.metadata.ownerReferences = [{ kind: 'ReplicaSet', name: 'web-6b8c9d', controller: true }];
  return {
    ...base,
    clientPod: seen(client),
    nodeLocal: seen(nl),
    kubeProxy: seen({ runsKubeProxy: true, mode }),
  };
}

describe('nodelocal.not-injected', () => {
  it.each([
    [
      'bindsClusterIp false',
      { deployed: true, localIp: '169.254.20.10', bindsClusterIp: false },
      'iptables',
      'node-cache listen addresses',
    ],
    ['IPVS mode', { deployed: true, localIp: '169.254.20.10' }, 'ipvs', 'kube-proxy runs in IPVS mode'],
    [
      'link-local bind only (ACK)',
      { deployed: true, localIp: '169.254.20.10', corefile: nodeCacheCorefile('169.254.20.10') },
      'iptables',
      'node-cache Corefile line 3: bind 169.254.20.10',
    ],
  ] as [string, NodeLocalFacts, KubeProxyFacts['mode'], string][])(
    'warns that the pod bypasses NodeLocal (%s)',
    (_case, nl, mode, why) => {
      const [f, ...rest] = check.run(evidence(nl, mode));

      expect(rest).toEqual([]);
      expect(f?.checkId).toBe('nodelocal.not-injected');
      expect(f?.severity).toBe('warning');
      expect(f?.weight).toBe(0.5);
      expect(f?.title).toBe(
        'Pod shop/web-7d9f bypasses NodeLocal DNSCache: it queries 10.96.0.10, the cache listens on 169.254.20.10',
      );
      expect(f?.evidence[0]?.text).toBe('nameserver 10.96.0.10');
      expect(f?.evidence[1]?.text).toContain(why);
      expect(f?.remedies[0]?.commands).toEqual([
        'kubectl label namespace shop node-local-dns-injection=enabled',
        'kubectl -n shop rollout restart deployment/web',
      ]);
      expect(f?.remedies[1]?.commands[0]).toContain('"nameservers":["169.254.20.10","10.96.0.10"]');
    },
  );

  it('offers musl clients NodeLocal alone', () => {
    const e = {
      ...evidence({ deployed: true, localIp: '169.254.20.10', bindsClusterIp: false }),
      clientLibc: seen({ libc: 'musl' as const, inferred: true, image: 'alpine:3.19' }),
    };
    expect(check.run(e)[0]?.remedies[1]?.commands[0]).toContain('"nameservers":["169.254.20.10"]');
  });

  it('gives no finding for the healthy cluster (no NodeLocal)', () => {
    expect(check.run(healthyEvidence())).toEqual([]);
  });

  it.each([
    [
      'NodeLocal binds the cluster DNS IP (iptables mode)',
      { deployed: true, localIp: '169.254.20.10', bindsClusterIp: true },
    ],
    [
      'its Corefile binds the cluster DNS IP',
      { deployed: true, corefile: nodeCacheCorefile('169.254.20.10', '10.96.0.10') },
    ],
    ['binding unknown in iptables mode', { deployed: true, localIp: '169.254.20.10' }],
  ] as [string, NodeLocalFacts][])('is not a fault: %s', (_case, nl) => {
    expect(check.run(evidence(nl))).toEqual([]);
  });

  it('is not a fault when the pod already lists the NodeLocal address', () => {
    const e = evidence({ deployed: true, localIp: '169.254.20.10', bindsClusterIp: false });
    const resolv = {
      text: 'nameserver 169.254.20.10\nnameserver 10.96.0.10\n',
      parsed: { nameservers: ['169.254.20.10', '10.96.0.10'], search: [], options: {}, unknown: [] },
      source: 'probe-pod' as const,
    };
    expect(check.run({ ...e, podResolvConf: seen(resolv) })).toEqual([]);
  });

  it('does not throw or fire with missing or unseen evidence', () => {
    const e = evidence({ deployed: true, localIp: '169.254.20.10', bindsClusterIp: false });
    expect(check.run({ ...e, podResolvConf: unseen('probe refused') })).toEqual([]);
    expect(check.run({ ...e, nodeLocal: unseen('forbidden') })).toEqual([]);
    expect(check.run({ target: {}, observedAt: OBSERVED_AT })).toEqual([]);
  });
});
