import { describe, expect, it } from 'vitest';
import { check } from '../../../playbooks/checks/client-glibc-aaaa-race.js';
import type {
  ClientLibc,
  Evidence,
  ObservedResolvConf,
  ProbeResult,
} from '../../../playbooks/model/evidence.js';
import { seen, unseen } from '../../../playbooks/model/gathered.js';
import { healthyEvidence, OBSERVED_AT, pod, probe } from '../../fixtures/evidence.js';

const SEPARATE = probe({ hop: 'dns-service', server: '10.96.0.10:53', name: 'example.com' });
const LOSSY_PAIR = probe({
  hop: 'dns-service',
  server: '10.96.0.10:53',
  name: 'example.com',
  mode: 'same-socket',
  answered: 17,
  timeouts: 3,
  rcodes: { NOERROR: 17 },
});

function evidence(results: ProbeResult[], libc?: ClientLibc, base = healthyEvidence()): Evidence {
  const client = pod('web-7d9f', 'shop', 'node-a');
  client.metadata.labels = { app: 'web', 'pod-template-hash': '6b8c9d' };
  client.metadata.ownerReferences = [{ kind: 'ReplicaSet', name: 'web-6b8c9d', controller: true }];
  return {
    ...base,
    clientPod: seen(client),
    clientProbes: seen({ where: 'probe-pod', node: 'node-a', results }),
    ...(libc ? { clientLibc: seen(libc) } : {}),
  };
}

function withOptions(options: Record<string, number | true>): ObservedResolvConf {
  return {
    text: 'nameserver 10.96.0.10\n',
    parsed: { nameservers: ['10.96.0.10'], search: [], options, unknown: [] },
    source: 'probe-pod',
  };
}

describe('client.glibc-aaaa-race', () => {
  it("seen from the worker, it is worded as the worker's path, not the client's", () => {
    const e = {
      ...evidence([SEPARATE, LOSSY_PAIR]),
      clientProbes: seen({ where: 'worker-local' as const, results: [SEPARATE, LOSSY_PAIR] }),
    };
    const [f] = check.run(e);
    expect(f?.title).toContain("from dnsmedic's worker (not the client's node)");
    expect(f?.title).not.toContain('shop/web-7d9f');
    expect(f?.detail).toContain("from dnsmedic's worker (not the client's node)");
    const [fromPod] = check.run(evidence([SEPARATE, LOSSY_PAIR]));
    expect(fromPod?.title).toContain('for shop/web-7d9f');
  });

  it('is critical when same-socket A/AAAA lose replies and separate sockets do not', () => {
    const [f, ...rest] = check.run(evidence([SEPARATE, LOSSY_PAIR]));

    expect(rest).toEqual([]);
    expect(f?.checkId).toBe('client.glibc-aaaa-race');
    expect(f?.severity).toBe('critical');
    expect(f?.weight).toBe(0.9);
    expect(f?.evidence[0]).toEqual({
      source: 'probe client -> dns-service 10.96.0.10:53',
      text: 'A example.com over udp A+AAAA same socket: 17/20 answered (NOERROR 17), 3 timeouts',
    });
    expect(f?.evidence[1]?.text).toContain('20/20 answered');
    expect(f?.remedies[0]?.commands[0]).toBe(
      `kubectl -n shop patch deployment web --type merge -p '{"spec":{"template":{"spec":{"dnsConfig":{"options":[{"name":"single-request-reopen"},{"name":"timeout","value":"2"},{"name":"attempts","value":"3"}]}}}}}'`,
    );
    expect(f?.remedies[1]?.commands).toEqual([
      'kubectl debug node/node-a -it --profile=sysadmin --image=nicolaka/netshoot -- conntrack -S',
    ]);
  });

  it('keeps the pod options it already has in the patch', () => {
    const e = evidence([SEPARATE, LOSSY_PAIR]);
    const client = pod('web-7d9f', 'shop', 'node-a', { dnsConfig: { options: [{ name: 'edns0' }] } });
    const [f] = check.run({ ...e, clientPod: seen(client) });
    expect(f?.remedies[0]?.commands[0]).toContain(
      '"options":[{"name":"edns0"},{"name":"single-request-reopen"}',
    );
  });

  it('warns for glibc < 2.33 on ARM when failures are intermittent, without probe proof', () => {
    const libc: ClientLibc = { libc: 'glibc', version: '2.31', inferred: false, architecture: 'arm64' };
    const e = {
      ...evidence([SEPARATE], libc),
      symptom: { category: 'temporary' as const, intermittent: true },
    };
    const [f] = check.run(e);

    expect(f?.severity).toBe('warning');
    expect(f?.weight).toBe(0.5);
    expect(f?.title).toContain('glibc bug 26600');
  });

  it('gives no finding for the healthy cluster (same-socket probe answered)', () => {
    expect(check.run(healthyEvidence())).toEqual([]);
  });

  it.each([
    [
      'separate-socket probes fail too',
      [{ ...SEPARATE, answered: 15, timeouts: 5, rcodes: { NOERROR: 15 } }, LOSSY_PAIR],
    ],
    ['no separate-socket probe to compare', [LOSSY_PAIR]],
    ['separate-socket probe to another server only', [{ ...SEPARATE, server: '10.244.2.3:53' }, LOSSY_PAIR]],
  ])('is not this race: %s', (_case, results) => {
    expect(check.run(evidence(results))).toEqual([]);
  });

  it('is not a fault for an ARM glibc < 2.33 when separate-socket probes fail too', () => {
    const libc: ClientLibc = { libc: 'glibc', version: '2.31', inferred: false, architecture: 'arm64' };
    const broken = { ...SEPARATE, answered: 0, timeouts: 20, rcodes: {} };
    const e = {
      ...evidence([broken], libc),
      symptom: { category: 'temporary' as const, intermittent: true },
    };
    expect(check.run(e)).toEqual([]);
  });

  it.each([
    ['single-request-reopen', { 'single-request-reopen': true as const }],
    ['use-vc', { 'use-vc': true as const }],
  ])('is not a fault when glibc already avoids the race (%s)', (_case, options) => {
    const e = { ...evidence([SEPARATE, LOSSY_PAIR]), podResolvConf: seen(withOptions(options)) };
    expect(check.run(e)).toEqual([]);
  });

  it('does not throw or fire with missing or unseen evidence', () => {
    expect(check.run({ ...evidence([SEPARATE, LOSSY_PAIR]), clientProbes: unseen('probe refused') })).toEqual(
      [],
    );
    expect(check.run({ target: {}, observedAt: OBSERVED_AT })).toEqual([]);
  });
});
