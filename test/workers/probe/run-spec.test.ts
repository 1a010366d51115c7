/**
 * What a probe pod runs, against real DNS servers on loopback through the address map (the
 * cluster addresses in the spec and in the pod's resolv.conf are the simulator's).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapDialer } from '../../../workers/probe/dialer.js';
import { runProbeSpec } from '../../../workers/probe/run-spec.js';
import {
  formatReport,
  PROBE_SPEC_VERSION,
  type ProbeSpec,
  parseProbeReport,
} from '../../../workers/probe/spec.js';
import { type SimDnsServers, startDnsServers } from '../../sim/dns/index.js';

const cluster = {
  'kubernetes.default.svc.cluster.local': { A: ['10.96.0.1'] },
  'cart.shop.svc.cluster.local': { A: ['10.96.142.7'] },
  'example.com': { A: ['93.184.215.14'] },
};

let dns: SimDnsServers;
beforeAll(async () => {
  dns = await startDnsServers({
    '10.96.0.10:53': { records: cluster },
    '10.0.1.1:53': {
      records: { 'example.com': { A: ['93.184.215.14'] } },
      rcodes: { 'broken.example': 'SERVFAIL' },
    },
  });
});
afterAll(() => dns.close());

const RESOLV =
  'search dnsmedic-probes.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n';
const base: ProbeSpec = { version: PROBE_SPEC_VERSION, count: 5, timeoutMs: 300, series: [] };

describe('runProbeSpec', () => {
  it('runs the series and reports the resolv.conf it saw', async () => {
    const spec: ProbeSpec = {
      ...base,
      series: [
        {
          target: { host: '10.96.0.10', port: 53, hop: 'dns-service', side: 'client' },
          query: { name: 'cart.shop.svc.cluster.local', type: 'A', transport: 'udp', timeoutMs: 300 },
        },
      ],
    };
    const report = await runProbeSpec(spec, { dialer: mapDialer(dns.map), resolvConf: RESOLV });
    expect(report.resolvConf).toBe(RESOLV);
    expect(report.results).toHaveLength(1);
    expect(report.results[0]).toMatchObject({ hop: 'dns-service', answered: 5, rcodes: { NOERROR: 5 } });
  });

  it("probes the pod's own nameservers when asked (the node's upstreams, CoreDNS side)", async () => {
    const spec: ProbeSpec = {
      ...base,
      resolvConfServers: { hop: 'upstream', side: 'coredns', names: ['example.com', 'broken.example'] },
    };
    const report = await runProbeSpec(spec, {
      dialer: mapDialer(dns.map),
      resolvConf: 'nameserver 10.0.1.1\n',
    });
    const byName = Object.fromEntries(report.results.map((r) => [r.name, r]));
    expect(byName['example.com']).toMatchObject({
      hop: 'upstream',
      server: '10.0.1.1:53',
      rcodes: { NOERROR: 5 },
    });
    expect(byName['broken.example']).toMatchObject({ rcodes: { SERVFAIL: 5 } });
  });

  it("walks names through the search list as the client would, its namespace in place of the probe's", async () => {
    const spec: ProbeSpec = {
      ...base,
      traces: {
        names: ['cart', 'kubernetes.default'],
        searchAs: { from: 'dnsmedic-probes.svc.cluster.local', to: 'shop.svc.cluster.local' },
      },
    };
    const report = await runProbeSpec(spec, { dialer: mapDialer(dns.map), resolvConf: RESOLV });
    const glibc = report.traces.find((t) => t.libc === 'glibc' && t.name === 'cart');
    expect(glibc?.result).toBe('answer');
    // `cart` is found at the first search entry: the client's namespace, not the probe's.
    expect(glibc?.queries[0]).toMatchObject({ name: 'cart.shop.svc.cluster.local', server: '10.96.0.10' });
    const k8s = report.traces.find((t) => t.libc === 'musl' && t.name === 'kubernetes.default');
    expect(k8s?.queries.map((q) => q.outcome)).toContain('nxdomain');
    expect(k8s?.result).toBe('answer');
  });

  it("a huge answer (a headless Service's) is cut in the report, which stays readable", async () => {
    const many = Array.from({ length: 400 }, (_, i) => `10.244.${Math.floor(i / 250)}.${i % 250}`);
    const big = await startDnsServers({
      '10.96.0.11:53': { records: { 'db.shop.svc.cluster.local': { A: many } } },
    });
    try {
      const spec: ProbeSpec = {
        ...base,
        count: 1,
        series: [
          {
            target: { host: '10.96.0.11', port: 53, hop: 'dns-service', side: 'client' },
            query: { name: 'db.shop.svc.cluster.local', type: 'A', transport: 'tcp', timeoutMs: 1000 },
          },
        ],
      };
      const report = await runProbeSpec(spec, { dialer: mapDialer(big.map), resolvConf: RESOLV });
      expect(report.results[0]?.sample?.length).toBeLessThanOrEqual(1000);
      expect(report.results[0]?.sample).toMatch(/…$/);
      expect(typeof parseProbeReport(formatReport(report))).toBe('object');
    } finally {
      await big.close();
    }
  });

  it('a server the map does not cover is silence to the libc, and noted', async () => {
    const spec: ProbeSpec = { ...base, traces: { names: ['example.com'] } };
    const report = await runProbeSpec(spec, {
      dialer: mapDialer(dns.map),
      resolvConf: 'nameserver 10.9.9.9\n',
    });
    expect(report.traces[0]?.result).toBe('failure');
    expect(report.skipped.join('\n')).toMatch(/10\.9\.9\.9/);
  });

  it('without a readable resolv.conf it says why and still runs the series', async () => {
    const spec: ProbeSpec = {
      ...base,
      series: [
        {
          target: { host: '10.96.0.10', port: 53, hop: 'dns-service', side: 'client' },
          query: { name: 'example.com', type: 'A', transport: 'tcp', timeoutMs: 300 },
        },
      ],
      traces: { names: ['example.com'] },
    };
    const report = await runProbeSpec(spec, {
      dialer: mapDialer(dns.map),
      resolvConf: { error: 'cannot read /etc/resolv.conf: ENOENT' },
    });
    expect(report.resolvConf).toBeUndefined();
    expect(report.resolvConfError).toMatch(/ENOENT/);
    expect(report.results[0]?.answered).toBe(5);
    expect(report.traces).toEqual([]);
  });
});
