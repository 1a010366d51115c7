import { describe, expect, it } from 'vitest';
import { check } from '../../../playbooks/checks/service-headless-truncated.js';
import type { ClientLibc, Evidence, ProbeResult, ResolverTrace } from '../../../playbooks/model/evidence.js';
import { seen, unseen } from '../../../playbooks/model/gathered.js';
import { healthyEvidence, pod, probe } from '../../fixtures/evidence.js';

const NAME = 'kafka.data.svc.cluster.local';
const udp = probe({ hop: 'dns-service', server: '10.96.0.10:53', name: NAME, truncated: 20 });
const tcpOk = probe({ hop: 'dns-service', server: '10.96.0.10:53', name: NAME, transport: 'tcp' });
const tcpDead = { ...tcpOk, answered: 0, rcodes: {}, timeouts: 20 };

const MUSL_OLD: ClientLibc = { libc: 'musl', version: '1.2.3', inferred: false, image: 'alpine:3.17' };
const GLIBC: ClientLibc = { libc: 'glibc', version: '2.36', inferred: false, image: 'debian:12' };

function evidence(libc: ClientLibc | undefined, results: ProbeResult[], traces?: ResolverTrace[]): Evidence {
  const client = pod('web-7d9f8c6b5-x2x2x', 'shop', 'node-a');
  client.metadata.ownerReferences = [{ kind: 'ReplicaSet', name: 'web-7d9f8c6b5', controller: true }];
  client.metadata.labels = { ...client.metadata.labels, 'pod-template-hash': '7d9f8c6b5' };
  return {
    ...healthyEvidence(),
    clientPod: seen(client),
    clientLibc: libc ? seen(libc) : unseen('exec refused'),
    clientProbes: seen({ where: 'probe-pod', node: 'node-a', results, ...(traces ? { traces } : {}) }),
    askedName: seen({
      name: NAME,
      kind: 'cluster',
      service: { metadata: { name: 'kafka', namespace: 'data' }, spec: { clusterIP: 'None' } },
    }),
  };
}

describe('service.headless-truncated', () => {
  it('fires critical for musl 1.2.3, which cannot retry a truncated answer over TCP', () => {
    const [f, ...rest] = check.run(evidence(MUSL_OLD, [udp, tcpOk]));

    expect(rest).toEqual([]);
    expect(f?.checkId).toBe('service.headless-truncated');
    expect(f?.severity).toBe('critical');
    expect(f?.weight).toBe(0.7);
    expect(f?.title).toBe(`Truncated answer for ${NAME} and shop/web-7d9f8c6b5-x2x2x cannot retry over TCP`);
    expect(f?.detail).toContain('headless Service data/kafka');
    expect(f?.evidence[0]?.text).toContain('20 truncated');
    expect(f?.evidence).toContainEqual({ source: 'client libc', text: 'musl 1.2.3, image alpine:3.17' });
    expect(f?.remedies[0]?.summary).toContain('musl >= 1.2.4');
    expect(f?.remedies[0]?.commands).toEqual([
      `kubectl -n shop run dns-tc-check --rm -it --restart=Never --image=nicolaka/netshoot -- dig +ignore +notcp @10.96.0.10 ${NAME}`,
    ]);
  });

  it('fires critical at 0.9 when TCP to the server fails, whatever the libc', () => {
    const [f] = check.run(evidence(GLIBC, [udp, tcpDead]));

    expect(f?.severity).toBe('critical');
    expect(f?.weight).toBe(0.9);
    expect(f?.detail).toContain('TCP to 10.96.0.10:53 fails (0 of 20 answered)');
    expect(f?.remedies[1]?.commands).toEqual([
      `kubectl -n shop patch deployment/web -p '{"spec":{"template":{"spec":{"dnsConfig":{"options":[{"name":"use-vc"}]}}}}}'`,
    ]);
  });

  it('warns when TCP loses only some answers', () => {
    const [f] = check.run(
      evidence(GLIBC, [udp, { ...tcpOk, answered: 15, rcodes: { NOERROR: 15 }, timeouts: 5 }]),
    );

    expect(f?.severity).toBe('warning');
    expect(f?.weight).toBe(0.5);
    expect(f?.remedies[0]?.summary).toContain('Allow TCP port 53');
  });

  it.each(['alpine', 'ghcr.io/acme/web:1.4.0-alpine3.17'])(
    'warns when musl is only inferred from the image %s',
    (image) => {
      const [f] = check.run(evidence({ libc: 'musl', inferred: true, image }, [udp, tcpOk]));

      expect(f?.severity).toBe('warning');
      expect(f?.weight).toBe(0.5);
    },
  );

  it('says nothing on a healthy cluster', () => {
    expect(check.run(healthyEvidence())).toEqual([]);
  });

  const trace = (libc: 'glibc' | 'musl', a: string, aaaa = 'answer'): ResolverTrace => ({
    libc,
    name: NAME,
    queries: [
      { name: NAME, qtype: 'A', server: '10.96.0.10', outcome: a },
      { name: NAME, qtype: 'AAAA', server: '10.96.0.10', outcome: aaaa },
    ],
    result: a === 'answer' || aaaa === 'answer' ? 'answer' : 'failure',
  });
  const tcpLossy = { ...tcpOk, answered: 15, rcodes: { NOERROR: 15 }, timeouts: 5 };
  it.each([
    ['glibc retried over TCP successfully', GLIBC, [udp, tcpOk], undefined],
    ['a Go client with TCP open', { libc: 'go', inferred: true } as ClientLibc, [udp, tcpOk], undefined],
    ['musl 1.2.4 has the TCP fallback', { ...MUSL_OLD, version: '1.2.4' }, [udp, tcpOk], undefined],
    [
      'the image is Alpine 3.19 (musl 1.2.4, with the TCP fallback)',
      { libc: 'musl', inferred: true, image: 'ghcr.io/acme/web:1.4.0-alpine3.19' },
      [udp, tcpOk],
      undefined,
    ],
    [
      "the client's own resolver got the A answer over lossy TCP",
      GLIBC,
      [udp, tcpLossy],
      [trace('glibc', 'answer')],
    ],
    ['nothing was truncated', MUSL_OLD, [{ ...udp, truncated: 0 }, tcpOk], undefined],
    ['the libc is unknown and TCP works', undefined, [udp, tcpOk], undefined],
  ] as [string, ClientLibc | undefined, ProbeResult[], ResolverTrace[] | undefined][])(
    'does not fire when %s',
    (_, libc, results, traces) => {
      expect(check.run(evidence(libc, results, traces))).toEqual([]);
    },
  );

  // Traces retry a truncated answer over TCP whatever the libc, and a lookup "answers" when
  // either family does: neither clears a client whose truncated A query is lost.
  it.each([
    [
      'musl 1.2.3, whose traces retried over TCP as musl 1.2.3 cannot',
      MUSL_OLD,
      [udp, tcpOk],
      [trace('musl', 'answer'), trace('glibc', 'answer')],
    ],
    [
      'glibc with TCP dead, whose lookup answered only through AAAA',
      GLIBC,
      [udp, tcpDead],
      [trace('glibc', 'timeout')],
    ],
    [
      'glibc with lossy TCP, where only the musl trace got the A answer',
      GLIBC,
      [udp, tcpLossy],
      [trace('musl', 'answer'), trace('glibc', 'timeout')],
    ],
  ] as [string, ClientLibc, ProbeResult[], ResolverTrace[]][])(
    'still fires for %s',
    (_, libc, results, traces) => {
      const [f] = check.run(evidence(libc, results, traces));

      expect(f?.checkId).toBe('service.headless-truncated');
    },
  );

  it.each([
    ['unseen', { clientProbes: unseen('probe pod refused by admission') }],
    [
      'absent',
      { clientProbes: undefined, clientLibc: undefined, clientPod: undefined, askedName: undefined },
    ],
  ])('stays quiet when the probes are %s', (_, over) => {
    expect(check.run({ ...evidence(MUSL_OLD, [udp]), ...over })).toEqual([]);
  });
});
