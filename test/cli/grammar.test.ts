import { describe, expect, it } from 'vitest';
import { parseCommand, tokenize } from '../../cli/grammar.js';

describe('parseCommand', () => {
  it.each([
    [['explain', 'curl: (6) x'], { kind: 'explain', message: 'curl: (6) x', output: 'text' }],
    [['explain', '--output', 'json', 'a', 'b'], { kind: 'explain', message: 'a b', output: 'json' }],
    [['explain'], { kind: 'explain', message: undefined, output: 'text' }],
    [['explain', '--', '--not-a-flag'], { kind: 'explain', message: '--not-a-flag', output: 'text' }],
    [['logs'], { kind: 'logs', file: '-', clusterDomain: undefined, output: 'text' }],
    [
      ['logs', 'x.log', '--cluster-domain=Corp.Example.'],
      { kind: 'logs', file: 'x.log', clusterDomain: 'corp.example', output: 'text' },
    ],
    [
      ['logs', '-', '--output=markdown'],
      { kind: 'logs', file: '-', clusterDomain: undefined, output: 'markdown' },
    ],
    [[], { kind: 'help', topic: undefined }],
    [['--version'], { kind: 'version' }],
  ])('%j parses', (argv, command) => {
    expect(parseCommand(argv)).toEqual({ ok: true, command });
  });

  it.each([
    [['explain', '--output'], 'explain: --output needs a value'],
    [['explain', '--output', 'xml', 'x'], 'explain: --output must be one of text, json, markdown, not "xml"'],
    [['explain', '--cluster-domain', 'x', 'y'], 'explain: unknown option --cluster-domain'],
    [['logs', '--cluster-domain', 'a..b'], 'logs: --cluster-domain "a..b" is not a DNS domain'],
    [['logs', '--cluster-domain', `${'a'.repeat(64)}.local`], 'is not a DNS domain'],
    [['logs', 'a', 'b'], 'logs: give one file, or - for standard input'],
    [['diagnoze'], 'unknown command "diagnoze"; try: dnsmedic help'],
  ])('%j is refused with a precise message', (argv, error) => {
    const r = parseCommand(argv);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(error);
  });
});

describe('tokenize', () => {
  it.each([
    ['explain curl failed', ['explain', 'curl', 'failed']],
    [
      'explain "lookup x on 10.96.0.10:53: no such host"',
      ['explain', 'lookup x on 10.96.0.10:53: no such host'],
    ],
    ["logs  -  --output 'json'", ['logs', '-', '--output', 'json']],
    ['explain ""', ['explain', '']],
    ['', []],
  ])('%j', (text, words) => {
    expect(tokenize(text)).toEqual(words);
  });

  it('refuses unbalanced quotes instead of guessing', () => {
    expect(tokenize('explain "no end')).toBe('unbalanced " quote');
  });
});
