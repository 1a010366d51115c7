import { describe, expect, it } from 'vitest';
import { check } from '../../../playbooks/checks/client-musl-resolver.js';
import type {
  ClientLibc,
  Evidence,
  ObservedResolvConf,
  ProbeResult,
  ResolverTrace,
} from '../../../playbooks/model/evidence.js';
import { seen, unseen } from '../../../playbooks/model/gathered.js';
import { healthyEvidence, OBSERVED_AT, pod, probe } from '../../fixtures/evidence.js';

const MUSL_OLD: ClientLibc = { libc: 'musl', version: '1.2.3', inferred: false, image: 'node:20-alpine3.17' };

function alpineClient(image = 'node:20-alpine3.17') {
  const p = pod('web-7d9f', 'shop', 'node-a', { containers: [{ name: 'app', image }] });
  p.metadata.labels = { app: 'web', 'pod-template-hash': '6b8c9d' };
  p.metadata.ownerReferences = [{ kind: 'ReplicaSet', name: 'web-6b8c9d', controller: true }];
  return p;
}

function evidence(libc: ClientLibc, results: ProbeResult[] = [], traces?: ResolverTrace[]): Evidence {
  return {
    ...healthyEvidence(),
    clientPod: seen(alpineClient(libc.image)),
    clientLibc: seen(libc),
    clientProbes: seen({ where: 'probe-pod', node: 'node-a', results, ...(traces ? { traces } : {}) }),
  };
}

const TRUNCATED = probe({
  hop: 'dns-service',
  server: '10.96.0.10:53',
  name: 'kafka.shop.svc.cluster.local',
  truncated: 20,
});

function trace(libc: 'glibc' | 'musl', result: ResolverTrace['result']): ResolverTrace {
  const q = { name: 'kafka.shop.svc', qtype: 'A', server: '10.96.0.10:53', outcome: 'NXDOMAIN' };
  // An answered lookup ends with the search candidate that answered.
  const found = { ...q, name: 'kafka.shop.svc.cluster.local', outcome: 'answer' };
  return {
    libc,
    name: 'kafka.shop.svc',
    queries: result === 'answer' ? [q, found] : [q],
    result,
    ...(result === 'answer' ? {} : { firstFailure: q }),
  };
}

describe('client.musl-resolver', () => {
  it('is critical when answers are truncated and musl < 1.2.4 has no TCP fallback', () => {
    const [f, ...rest] = check.run(evidence(MUSL_OLD, [TRUNCATED]));

    expect(rest).toEqual([]);
    expect(f?.checkId).toBe('client.musl-resolver');
    expect(f?.severity).toBe('critical');
    expect(f?.weight).toBe(0.7);
    expect(f?.evidence).toContainEqual({
      source: 'probe client -> dns-service 10.96.0.10:53',
      text: 'A kafka.shop.svc.cluster.local over udp: 20/20 answered (NOERROR 20), 0 timeouts, 20 truncated',
    });
    const commands = f?.remedies.flatMap((r) => r.commands) ?? [];
    expect(commands[0]).toContain('kubectl -n shop exec web-7d9f -c app -- sh -c');
    expect(commands).toContain('kubectl -n shop set image deployment/web app=node:20-alpine3.20');
  });

  it('is a warning when the musl version is unknown', () => {
    const libc: ClientLibc = { libc: 'musl', inferred: true, image: 'python:3.12-alpine' };
    const [f] = check.run(evidence(libc, [TRUNCATED]));
    expect(f?.severity).toBe('warning');
    expect(f?.weight).toBe(0.5);
  });

  it('reproduces it when the musl trace fails where glibc answers', () => {
    const [f] = check.run(evidence(MUSL_OLD, [], [trace('musl', 'nxdomain'), trace('glibc', 'answer')]));

    expect(f?.severity).toBe('critical');
    expect(f?.weight).toBe(0.9);
    expect(f?.evidence).toContainEqual({
      source: 'musl resolver trace',
      text: 'A kafka.shop.svc @10.96.0.10:53: NXDOMAIN',
    });
  });

  it("does not blame musl when glibc's lookup answered only through AAAA and its A query was lost too", () => {
    const a = { name: 'kafka.shop.svc.cluster.local', qtype: 'A', server: '10.96.0.10', outcome: 'timeout' };
    const aaaa = { ...a, qtype: 'AAAA', outcome: 'answer' };
    const musl: ResolverTrace = {
      libc: 'musl',
      name: a.name,
      queries: [a, aaaa],
      firstFailure: a,
      result: 'failure',
    };
    const glibc: ResolverTrace = {
      libc: 'glibc',
      name: a.name,
      queries: [a, aaaa],
      firstFailure: a,
      result: 'answer',
    };

    expect(check.run(evidence(MUSL_OLD, [], [musl, glibc]))).toEqual([]);
  });

  it('fires when musl races the cluster DNS against a resolver that answers NXDOMAIN for cluster names', () => {
    const resolv: ObservedResolvConf = {
      text: 'nameserver 10.96.0.10\nnameserver 10.0.0.2\n',
      parsed: {
        nameservers: ['10.96.0.10', '10.0.0.2'],
        search: ['shop.svc.cluster.local'],
        options: {},
        unknown: [],
      },
      source: 'probe-pod',
    };
    const nx = probe({
      hop: 'upstream',
      server: '10.0.0.2:53',
      name: 'orders.shop.svc.cluster.local',
      rcodes: { NXDOMAIN: 20 },
    });
    const e = evidence(MUSL_OLD, [nx]);
    const client = alpineClient();
    client.spec.dnsConfig = { nameservers: ['10.0.0.2'] };
    const [f] = check.run({ ...e, podResolvConf: seen(resolv), clientPod: seen(client) });

    expect(f?.severity).toBe('critical');
    expect(f?.title).toContain('10.0.0.2');
    expect(f?.remedies.at(-1)?.commands[0]).toContain('"dnsConfig":{"nameservers":[]}');
  });

  it('gives no finding for the healthy cluster', () => {
    expect(check.run(healthyEvidence())).toEqual([]);
  });

  it.each([
    ['musl 1.2.4 retries over TCP', { ...MUSL_OLD, version: '1.2.4' }, [TRUNCATED]],
    ['Alpine 3.18 image', { libc: 'musl', inferred: true, image: 'alpine:3.18' } as ClientLibc, [TRUNCATED]],
    [
      'glibc retried the TC answer over TCP',
      { libc: 'glibc', version: '2.36', inferred: false } as ClientLibc,
      [TRUNCATED],
    ],
    ['musl and every probe answered', MUSL_OLD, [probe({ hop: 'dns-service', server: '10.96.0.10:53' })]],
  ])('is not a fault: %s', (_case, libc, results) => {
    expect(check.run(evidence(libc, results))).toEqual([]);
  });

  it('ignores NodeLocal + cluster DNS (nodelocal.alpine-parallel covers it)', () => {
    const resolv: ObservedResolvConf = {
      text: 'nameserver 169.254.20.10\nnameserver 10.96.0.10\n',
      parsed: { nameservers: ['169.254.20.10', '10.96.0.10'], search: [], options: {}, unknown: [] },
      source: 'probe-pod',
    };
    const e = { ...evidence(MUSL_OLD), podResolvConf: seen(resolv), target: { domain: 'orders' } };
    expect(check.run(e)).toEqual([]);
  });

  it('does not throw or fire with missing or unseen evidence', () => {
    expect(check.run({ ...evidence(MUSL_OLD, [TRUNCATED]), clientLibc: unseen('exec not allowed') })).toEqual(
      [],
    );
    expect(check.run({ ...evidence(MUSL_OLD), clientProbes: unseen('probe refused') })).toEqual([]);
    expect(check.run({ target: {}, observedAt: OBSERVED_AT, clientLibc: seen(MUSL_OLD) })).toEqual([]);
  });
});
