import { mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { runCli, runCliMeasured } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'dnsmedic-logs-'));
function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('dnsmedic logs (real process)', () => {
  it('reads the shipped example and reports the guide Step 3 picture and the verdict', async () => {
    const r = await runCli(['logs', 'examples/coredns-upstream-timeout.log']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Responses by code');
    expect(r.stdout).toMatch(/SERVFAIL\s+0\s+0\s+\d+/);
    expect(r.stdout).toContain('10.0.0.2:53');
    expect(r.stdout).toContain('upstream.unreachable');
    expect(r.stdout).toContain('kubectl');
  });

  it('reads standard input with -', async () => {
    const log =
      '[FATAL] plugin/loop: Loop (127.0.0.1:51384 -> :53) detected for zone ".", see https://coredns.io/plugins/loop#troubleshooting.\n';
    const r = await runCli(['logs', '-', '--output', 'json'], log);
    const out = JSON.parse(r.stdout);
    expect(out.report.verdict.checkId).toBe('coredns.loop-detected');
    expect(out.summary.events[0]).toMatchObject({ kind: 'loop', lineNo: 1 });
  });

  it('reads a gzip-compressed log, from a file or standard input, as the log itself', async () => {
    const plain = await runCli(['logs', 'examples/coredns-upstream-timeout.log', '--output', 'json']);
    const gz = gzipSync(readFileSync('examples/coredns-upstream-timeout.log'));
    const fromFile = await runCli(['logs', file('coredns.log.gz', gz), '--output', 'json']);
    const fromStdin = await runCli(['logs', '-', '--output', 'json'], gz);
    expect(fromFile.code).toBe(1);
    expect(JSON.parse(fromFile.stdout).summary).toEqual(JSON.parse(plain.stdout).summary);
    expect(JSON.parse(fromStdin.stdout).summary).toEqual(JSON.parse(plain.stdout).summary);
  });

  it('says so in one line when a gzip file is cut short', async () => {
    const gz = gzipSync(readFileSync('examples/coredns-upstream-timeout.log'));
    const r = await runCli(['logs', file('cut.log.gz', gz.subarray(0, 40))]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(
      /^dnsmedic: logs: .*cut\.log\.gz looks gzip-compressed but does not decompress/,
    );
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('uses the cluster domain given', async () => {
    const line =
      '[INFO] 10.8.1.7:41022 - 3391 "A IN shop.prod.svc.corp.example. udp 49 false 512" NOERROR qr,aa,rd 92 0.000141s\n';
    const r = await runCli(['logs', '-', '--cluster-domain', 'corp.example', '--output', 'json'], line);
    expect(JSON.parse(r.stdout).summary.byRcode.NOERROR.cluster).toBe(1);
  });

  it('renders Markdown', async () => {
    const r = await runCli(['logs', 'examples/coredns-loop.log', '--output', 'markdown']);
    expect(r.stdout).toContain('# CoreDNS log (guide Step 3)');
    expect(r.stdout).toContain('`coredns.loop-detected`');
  });

  it.each([
    ['a missing file', ['logs', join(dir, 'nope.log')], 'no such file'],
    ['a directory', ['logs', dir], 'is a directory'],
    ['an empty file', ['logs', file('empty.log', '')], 'is empty'],
    ['two files', ['logs', 'a', 'b'], 'give one file'],
    ['a bad cluster domain', ['logs', '--cluster-domain', 'not a domain!'], 'is not a DNS domain'],
  ])('answers %s with exit 2 and one clear line', async (_what, args, message) => {
    const r = await runCli(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('says binary garbage is not a CoreDNS log, with counts', async () => {
    let x = 12345;
    const junk = Buffer.alloc(1 << 20);
    for (let i = 0; i < junk.length; i++) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      junk[i] = x >> 16;
    }
    const r = await runCli(['logs', file('junk.bin', junk)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /nothing in .* looks like a CoreDNS log \(\d+ lines: \d+ unrecognised, \d+ overlong, \d+ binary\)/,
    );
  });

  it('skips 1 MB lines, counting them, and reads the lines around them', async () => {
    const query =
      '[INFO] 10.8.2.3:50110 - 771 "A IN api.example.net. udp 33 false 512" SERVFAIL qr,rd 33 0.002203s';
    const content = `${query}\n${'x'.repeat(1 << 20)}\n${query}\n`;
    const r = await runCli(['logs', file('long.log', content), '--output', 'json']);
    const { summary } = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ lines: 3, queries: 2, overlong: 1 });
  });

  it('escapes terminal control sequences from the log', async () => {
    const evil = '[FATAL] plugin/loop: Loop (127.0.0.1:1 -> :53) detected \u001b[2J\u001b]0;pwned\u0007\n';
    const r = await runCli(['logs', '-'], evil);
    expect(r.stdout).not.toContain('\u001b');
    expect(r.stdout).not.toContain('\u0007');
  });

  it('reads a 2 GB file without a line end in bounded memory and says what it found', async () => {
    const big = join(dir, 'two-gigabytes.log');
    writeFileSync(big, '');
    truncateSync(big, 2 * 1024 ** 3);
    const r = await runCliMeasured(['logs', big]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('1 overlong');
    expect(r.peakMb).toBeGreaterThan(10);
    expect(r.peakMb).toBeLessThan(150);
  }, 60_000);
});
