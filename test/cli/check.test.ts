import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimDnsServer, startDnsServer } from '../sim/dns/server.js';
import { runCli } from './run-cli.js';

let server: SimDnsServer;
beforeAll(async () => {
  server = await startDnsServer({
    records: { 'cart.shop.svc.cluster.local': { A: ['10.96.142.7'] } },
    rcodes: { 'broken.example': 'SERVFAIL' },
  });
});
afterAll(async () => {
  await server.close();
});

describe('dnsmedic check (real process, loopback DNS server)', () => {
  it('asks over UDP and TCP and reports answers, codes and latency', async () => {
    const r = await runCli([
      'check',
      'cart.shop.svc.cluster.local',
      '--server',
      `127.0.0.1:${server.udpPort}`,
      '--count',
      '3',
      '--output',
      'json',
    ]);
    expect(r.code).toBe(0);
    const { results } = JSON.parse(r.stdout);
    const udp = results.find((x: { transport: string }) => x.transport === 'udp');
    expect(udp).toMatchObject({ attempts: 3, answered: 3, rcodes: { NOERROR: 3 } });
    expect(udp.sample).toContain('10.96.142.7');
    expect(server.queries.filter((q) => q.transport === 'udp')).toHaveLength(3);
  });

  it('exits 1 and shows the code when the server answers with an error', async () => {
    const r = await runCli([
      'check',
      'broken.example',
      '--server',
      `127.0.0.1:${server.udpPort}`,
      '--count',
      '2',
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('SERVFAIL 2');
  });

  it.each([
    [['check'], 'give one name'],
    [['check', 'a..b', '--server', '127.0.0.1'], 'empty label'],
    [['check', 'x.example', '--server', 'dns.google'], 'dns.google'],
    [['check', 'x.example', '--server', '127.0.0.1:99999'], '99999'],
    [['check', 'x.example', '--count', '0'], 'count'],
    [['check', 'x.example', '--count', 'lots'], 'is not a number'],
    [['check', 'x.example', '--timeout', '999999'], 'timeout'],
  ])('refuses %j with exit 2 before sending anything', async (args, message) => {
    const before = server.queries.length;
    const r = await runCli(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(server.queries.length).toBe(before);
  });
});
