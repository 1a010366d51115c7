/**
 * `dnsmedic probe --spec` as a probe pod runs it: a real process, packets to a loopback server
 * only (no traces or own-nameserver probing here: those would follow this machine's resolv.conf).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBE_SPEC_VERSION, parseProbeReport } from '../../workers/probe/spec.js';
import { type SimDnsServer, startDnsServer } from '../sim/dns/server.js';
import { runCli } from './run-cli.js';

let server: SimDnsServer;
beforeAll(async () => {
  server = await startDnsServer({
    records: { 'kubernetes.default.svc.cluster.local': { A: ['10.96.0.1'] } },
  });
});
afterAll(() => server.close());

const spec = () => ({
  version: PROBE_SPEC_VERSION,
  count: 4,
  timeoutMs: 500,
  series: [
    {
      target: { host: '127.0.0.1', port: server.udpPort, hop: 'dns-service', side: 'client' },
      query: { name: 'kubernetes.default.svc.cluster.local', type: 'A', transport: 'udp', timeoutMs: 500 },
    },
  ],
});

describe('dnsmedic probe --spec (real process)', () => {
  it('prints one report line with the results and the resolv.conf it read', async () => {
    const r = await runCli(['probe', '--spec', JSON.stringify(spec())]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(1);
    const report = parseProbeReport(r.stdout);
    expect(typeof report).toBe('object');
    if (typeof report === 'string') return;
    expect(report.results[0]).toMatchObject({ attempts: 4, answered: 4, rcodes: { NOERROR: 4 } });
    expect(report.resolvConf !== undefined || report.resolvConfError !== undefined).toBe(true);
    expect(server.queries.filter((q) => q.name === 'kubernetes.default.svc.cluster.local')).toHaveLength(4);
  });

  it.each([
    [['probe'], /usage: dnsmedic probe --spec <json>/],
    [['probe', '--spec', '{"version":1'], /^dnsmedic: probe: spec is not JSON/],
    [
      ['probe', '--spec', JSON.stringify({ version: 1, count: 1e9, timeoutMs: 500, series: [] })],
      /^dnsmedic: probe: spec count: /,
    ],
  ])('bad input %# exits 2 with one line and sends nothing', async (args, message) => {
    const before = server.queries.length;
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(server.queries.length).toBe(before);
  });
});
