import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const GO_TIMEOUT =
  'dial tcp: lookup api.example.net on 10.96.0.10:53: read udp 10.244.1.15:42922->10.96.0.10:53: i/o timeout';

describe('dnsmedic explain (real process)', () => {
  it('explains a Go resolver timeout in plain words with the next step', async () => {
    const r = await runCli(['explain', GO_TIMEOUT]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No DNS server answered');
    expect(r.stdout).toContain('Go net resolver');
    expect(r.stdout).toContain('10.96.0.10:53');
    expect(r.stdout).toMatch(/Next step: .*Step/);
    expect(r.stdout).not.toContain('\u001b[');
  });

  it('prints the classification as JSON', async () => {
    const r = await runCli(['explain', '--output', 'json', GO_TIMEOUT]);
    const c = JSON.parse(r.stdout);
    expect(c).toMatchObject({
      tool: 'go',
      category: 'no-server',
      name: 'api.example.net',
      server: '10.96.0.10:53',
    });
  });

  it('accepts the HTML-escaped text Slack delivers', async () => {
    const r = await runCli(['explain', '--output=json', GO_TIMEOUT.replace('->', '-&gt;')]);
    expect(JSON.parse(r.stdout)).toMatchObject({ category: 'no-server', server: '10.96.0.10:53' });
  });

  it('reads the message from standard input', async () => {
    const r = await runCli(
      ['explain', '--output', 'json'],
      'curl: (6) Could not resolve host: shop.example.com\n',
    );
    expect(JSON.parse(r.stdout)).toMatchObject({
      tool: 'curl',
      category: 'ambiguous',
      name: 'shop.example.com',
    });
  });

  it.each([
    [['explain'], '', 'the error message is empty'],
    [['explain', '--output', 'yaml', 'x'], undefined, '--output must be one of text, json, markdown'],
    [['explain', '--colour', 'x'], undefined, 'unknown option --colour'],
    [['frobnicate'], undefined, 'unknown command "frobnicate"'],
  ])('rejects bad input %j with exit 2 and one clear line', async (args, input, message) => {
    const r = await runCli(args, input);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('says plainly when the text is not a DNS error it knows', async () => {
    const r = await runCli(['explain', 'the coffee machine is broken']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Not a DNS error this tool recognises');
  });

  it('refuses more than 1 MB on standard input without reading it all', async () => {
    const r = await runCli(['explain'], Buffer.alloc(2 << 20, 0x61));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('larger than');
  });
});
