import { describe, expect, it } from 'vitest';
import {
  formatReport,
  MAX_SPEC_BYTES,
  PROBE_SPEC_VERSION,
  type ProbeReport,
  parseProbeReport,
  parseProbeSpec,
  REPORT_MARKER,
} from '../../../workers/probe/spec.js';

const series = {
  target: { host: '10.96.0.10', port: 53, hop: 'dns-service', side: 'client' },
  query: { name: 'kubernetes.default.svc.cluster.local', type: 'A', transport: 'udp', timeoutMs: 500 },
};
const good = { version: PROBE_SPEC_VERSION, count: 20, timeoutMs: 500, series: [series] };
const text = (v: unknown) => JSON.stringify(v);

describe('parseProbeSpec', () => {
  it('accepts what the worker writes', () => {
    const spec = parseProbeSpec(
      text({
        ...good,
        traces: {
          names: ['cart'],
          searchAs: { from: 'dnsmedic-probes.svc.cluster.local', to: 'shop.svc.cluster.local' },
        },
      }),
    );
    expect(typeof spec).toBe('object');
    if (typeof spec === 'string') return;
    expect(spec.series[0]?.target.host).toBe('10.96.0.10');
    expect(spec.traces?.names).toEqual(['cart']);
  });

  it.each([
    ['not JSON', '{', /^spec is not JSON/],
    ['another version', text({ ...good, version: 2 }), /^spec version: /],
    ['a count of 0', text({ ...good, count: 0 }), /^spec count: /],
    ['an absurd timeout', text({ ...good, timeoutMs: 3_600_000 }), /^spec timeoutMs: /],
    [
      'a host name instead of an IP',
      text({ ...good, series: [{ ...series, target: { ...series.target, host: 'evil.example' } }] }),
      /^spec series\.0\.target\.host: /,
    ],
    [
      'an empty label',
      text({ ...good, series: [{ ...series, query: { ...series.query, name: 'a..b' } }] }),
      /^spec series\.0\.query\.name: /,
    ],
    [
      'a 64-character label',
      text({ ...good, traces: { names: [`${'a'.repeat(64)}.com`] } }),
      /^spec traces\.names\.0: /,
    ],
    ['an unknown field', text({ ...good, exec: 'rm -rf /' }), /^spec \(root\): .*exec/],
  ])('refuses %s, naming the field', (_label, input, message) => {
    expect(parseProbeSpec(input)).toMatch(message);
  });

  it('refuses a spec larger than any the worker writes', () => {
    expect(parseProbeSpec(' '.repeat(MAX_SPEC_BYTES + 1))).toMatch(/larger than/);
  });
});

describe('parseProbeReport', () => {
  const report: ProbeReport = {
    version: PROBE_SPEC_VERSION,
    resolvConf: 'nameserver 10.96.0.10\n',
    results: [],
    traces: [],
    skipped: [],
    ms: 12,
  };

  it('reads the last marked line among other output', () => {
    const older = formatReport({ ...report, ms: 1 });
    const log = `warning: something\n${older}\n${formatReport(report)}\ntrailing\n`;
    expect(parseProbeReport(log)).toEqual(report);
  });

  it.each([
    ['a server that is not an address (escape codes)', { server: '\u001b]0;pwned\u0007' }],
    ['an rcode key with escape codes', { rcodes: { '\u001b[2J': 1 } }],
  ])('refuses a result with %s', (_label, bad) => {
    const result = {
      hop: 'dns-service',
      side: 'client',
      server: '10.96.0.10:53',
      name: 'example.com',
      qtype: 'A',
      transport: 'udp',
      attempts: 1,
      answered: 1,
      rcodes: { NOERROR: 1 },
      timeouts: 0,
      truncated: 0,
      ...bad,
    };
    expect(parseProbeReport(formatReport({ ...report, results: [result as never] }))).toMatch(/malformed/);
  });

  it.each([
    ['no marker', 'dnsmedic: probe: spec count: too big\n', /printed no report/],
    ['a report cut short', `${REPORT_MARKER}{"version":1,"res`, /not complete JSON/],
    ['a report of the wrong shape', `${REPORT_MARKER}{"version":1,"results":"all good"}`, /malformed/],
  ])('says why there is no report: %s', (_label, log, why) => {
    expect(parseProbeReport(log)).toMatch(why);
  });
});
