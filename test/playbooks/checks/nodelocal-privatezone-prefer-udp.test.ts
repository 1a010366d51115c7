import { describe, expect, it } from 'vitest';
import { check } from '../../../playbooks/checks/nodelocal-privatezone-prefer-udp.js';
import { check as upstreamErrorRcode } from '../../../playbooks/checks/upstream-error-rcode.js';
import type { FailedName } from '../../../playbooks/logs/summary-types.js';
import type { Evidence, ObservedResolvConf, ProbeResult } from '../../../playbooks/model/evidence.js';
import { seen, unseen } from '../../../playbooks/model/gathered.js';
import type { Corefile } from '../../../playbooks/parsers/corefile-types.js';
import { chooseVerdict } from '../../../playbooks/playbook/run.js';
import {
  emptyLogSummary,
  healthyEvidence,
  KUBEADM_COREFILE_TEXT,
  kubeadmCorefile,
  OBSERVED_AT,
  probe,
} from '../../fixtures/evidence.js';

const VIA_CACHE: ObservedResolvConf = {
  text: 'nameserver 169.254.20.10\nnameserver 10.96.0.10\n',
  parsed: { nameservers: ['169.254.20.10', '10.96.0.10'], search: [], options: {}, unknown: [] },
  source: 'probe-pod',
};

const NAME = 'db.corp.example';
const UDP_OK = probe({ hop: 'upstream', side: 'coredns', server: '100.100.2.136:53', name: NAME });
const TCP_DEAD = probe({
  hop: 'upstream',
  side: 'coredns',
  server: '100.100.2.136:53',
  name: NAME,
  transport: 'tcp',
  answered: 0,
  timeouts: 20,
  rcodes: {},
});

function corefileWith(...forwardOptions: string[]): Corefile {
  const c = kubeadmCorefile();
  const fwd = c.servers[0]?.directives.find((d) => d.name === 'forward');
  for (const [i, name] of forwardOptions.entries())
    fwd?.block.push({ name, args: [], block: [], line: 15 + i });
  return c;
}

function evidence(over: Partial<Evidence> = {}, corefile = kubeadmCorefile()): Evidence {
  return {
    ...healthyEvidence(),
    nodeLocal: seen({ deployed: true, localIp: '169.254.20.10' }),
    podResolvConf: seen(VIA_CACHE),
    corefile: seen({ text: KUBEADM_COREFILE_TEXT, parsed: corefile, source: 'kube-system/coredns' }),
    ...over,
  };
}

function sideProbes(results: ProbeResult[]): Partial<Evidence> {
  return { corednsSideProbes: seen({ where: 'probe-pod', node: 'node-b', results }) };
}

function failed(over: Partial<FailedName>): FailedName {
  return {
    name: `${NAME}.`,
    rcode: 'SERVFAIL',
    nameClass: 'external',
    count: 14,
    authoritative: false,
    sample: `[INFO] 169.254.20.10:40122 - 5120 "A IN ${NAME}. tcp 45 false 65535" SERVFAIL qr,rd 45 4.001234s`,
    ...over,
  };
}

describe('nodelocal.privatezone-prefer-udp', () => {
  it('is critical when the name fails over TCP and answers over UDP, quoting the forward line', () => {
    const [f, ...rest] = check.run(evidence(sideProbes([UDP_OK, TCP_DEAD])));

    expect(rest).toEqual([]);
    expect(f?.checkId).toBe('nodelocal.privatezone-prefer-udp');
    expect(f?.severity).toBe('critical');
    expect(f?.weight).toBe(0.9);
    expect(f?.title).toBe(
      `${NAME} fails through NodeLocal DNSCache: CoreDNS forward (Corefile line 13) lacks prefer_udp`,
    );
    expect(f?.evidence[0]).toEqual({
      source: 'kube-system/coredns Corefile line 13',
      text: 'forward . /etc/resolv.conf {',
    });
    expect(f?.evidence[1]?.text).toContain('over tcp: 0/20 answered');
    expect(f?.remedies[0]?.commands[0]).toBe('kubectl -n kube-system edit configmap coredns');
  });

  it('fires when only the NodeLocal path fails for an external name', () => {
    const viaCache = probe({
      hop: 'nodelocal',
      server: '169.254.20.10:53',
      name: NAME,
      rcodes: { SERVFAIL: 20 },
    });
    const direct = probe({ hop: 'dns-service', server: '10.96.0.10:53', name: NAME });
    const e = evidence({
      clientProbes: seen({ where: 'probe-pod', node: 'node-a', results: [viaCache, direct] }),
    });

    expect(check.run(e)[0]?.weight).toBe(0.9);
  });

  it('fires from the query log: an external name failing when it arrived over TCP', () => {
    const logs = emptyLogSummary({ queryLogSeen: true, failedNames: [failed({})] });
    const [f] = check.run(evidence({ corednsLogs: seen(logs) }));

    expect(f?.weight).toBe(0.8);
    expect(f?.evidence[1]).toEqual({ source: 'CoreDNS query log', text: failed({}).sample });
  });

  // The same recent SERVFAIL line also makes upstream.error-rcode fire (critical, 0.7, unconfirmed):
  // the missing prefer_udp behind NodeLocal explains it, so the verdict must be this row
  // (scenario nodelocal-privatezone-prefer-udp, diagnosed at the scenario's own time).
  it('is the verdict over the unconfirmed upstream.error-rcode the same log line raises', () => {
    const recent = failed({ firstSeen: OBSERVED_AT, lastSeen: OBSERVED_AT });
    const e = evidence({
      corednsLogs: seen(emptyLogSummary({ queryLogSeen: true, failedNames: [recent] })),
    });
    const findings = [...upstreamErrorRcode.run(e), ...check.run(e)];

    expect(findings.map((f) => f.checkId)).toEqual([
      'upstream.error-rcode',
      'nodelocal.privatezone-prefer-udp',
    ]);
    expect(findings[0]?.severity).toBe('critical');
    expect(chooseVerdict(findings, []).checkId).toBe('nodelocal.privatezone-prefer-udp');
  });

  it('fires at low weight for an asked vpc-proxy endpoint', () => {
    const e = evidence({
      target: { namespace: 'shop', pod: 'web-7d9f', domain: 'ecs-vpc-proxy.cn-hangzhou.aliyuncs.com' },
    });
    expect(check.run(e)[0]?.weight).toBe(0.5);
  });

  it('says to replace force_tcp when the forward block forces TCP', () => {
    const [f] = check.run(evidence(sideProbes([UDP_OK, TCP_DEAD]), corefileWith('force_tcp')));
    expect(f?.detail).toContain('force_tcp');
  });

  it('gives no finding for the healthy cluster', () => {
    expect(check.run(healthyEvidence())).toEqual([]);
  });

  it.each([
    ['forward has prefer_udp', evidence(sideProbes([UDP_OK, TCP_DEAD]), corefileWith('prefer_udp'))],
    [
      'NodeLocal not deployed',
      evidence({ ...sideProbes([UDP_OK, TCP_DEAD]), nodeLocal: seen({ deployed: false }) }),
    ],
    [
      'the pod does not go through NodeLocal',
      evidence({ ...sideProbes([UDP_OK, TCP_DEAD]), podResolvConf: healthyEvidence().podResolvConf }),
    ],
    [
      'UDP fails as well',
      evidence(sideProbes([{ ...UDP_OK, answered: 0, timeouts: 20, rcodes: {} }, TCP_DEAD])),
    ],
    [
      'a cluster name',
      evidence(
        sideProbes([
          { ...UDP_OK, name: 'orders.shop.svc.cluster.local' },
          { ...TCP_DEAD, name: 'orders.shop.svc.cluster.local' },
        ]),
      ),
    ],
    [
      'NXDOMAIN for a search-suffixed name',
      evidence({
        corednsLogs: seen(
          emptyLogSummary({
            failedNames: [
              failed({
                name: `${NAME}.shop.svc.cluster.local.`,
                rcode: 'NXDOMAIN',
                nameClass: 'search-expansion',
              }),
            ],
          }),
        ),
      }),
    ],
    [
      'an external NXDOMAIN (upstream.error-rcode)',
      evidence({ corednsLogs: seen(emptyLogSummary({ failedNames: [failed({ rcode: 'NXDOMAIN' })] })) }),
    ],
    [
      'a failure that arrived over UDP',
      evidence({
        corednsLogs: seen(
          emptyLogSummary({ failedNames: [failed({ sample: `"A IN ${NAME}. udp 45 false 512" SERVFAIL` })] }),
        ),
      }),
    ],
  ])('is not this: %s', (_case, e) => {
    expect(check.run(e)).toEqual([]);
  });

  it('does not throw or fire with missing or unseen evidence', () => {
    expect(check.run({ ...evidence(sideProbes([UDP_OK, TCP_DEAD])), corefile: unseen('forbidden') })).toEqual(
      [],
    );
    expect(check.run({ ...evidence(sideProbes([UDP_OK, TCP_DEAD])), nodeLocal: undefined })).toEqual([]);
    expect(check.run({ target: { domain: NAME }, observedAt: OBSERVED_AT })).toEqual([]);
  });
});
