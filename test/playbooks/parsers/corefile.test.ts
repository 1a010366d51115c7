import { describe, expect, it } from 'vitest';
import { normalizeZone, parseCorefile, parseCorefileFragment } from '../../../playbooks/parsers/corefile.js';
import type { Corefile, Directive } from '../../../playbooks/parsers/corefile-types.js';
import {
  ACK,
  AKS,
  AKS_OVERRIDE_SECOND_FORWARD,
  DEFAULT_COREFILES,
  EKS,
  K3S,
  KUBEADM,
  KUBEADM_CURRENT,
  NODELOCAL,
  NODELOCAL_RENDERED,
  NODELOCAL_TEMPLATE,
} from '../../fixtures/corefiles.js';

const names = (ds: Directive[]) => ds.map((d) => d.name);
const find = (ds: Directive[], name: string) => ds.find((d) => d.name === name);
const problemLines = (cf: Corefile) => cf.problems.map((p) => p.line);

/** Deterministic PRNG (mulberry32) so the fuzz cases are reproducible. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Checks that hold for any output: the contract consumers rely on. */
function expectWellFormed(cf: Corefile, text: string): void {
  const lines = text.split('\n').length;
  expect(Array.isArray(cf.servers)).toBe(true);
  expect(Array.isArray(cf.imports)).toBe(true);
  expect(cf.problems.length).toBeLessThanOrEqual(201);
  for (const p of cf.problems) {
    expect(typeof p.text).toBe('string');
    expect(p.line).toBeGreaterThanOrEqual(0);
    expect(p.line).toBeLessThanOrEqual(lines);
  }
  const stack: Directive[] = cf.servers.flatMap((s) => s.directives);
  while (stack.length > 0) {
    const d = stack.pop() as Directive;
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.line).toBeLessThanOrEqual(lines);
    stack.push(...d.block);
  }
}

describe('parseCorefile on the default Corefiles', () => {
  it.each(DEFAULT_COREFILES)('$name parses cleanly into $servers server block(s)', ({ text, servers }) => {
    const cf = parseCorefile(text);
    expect(cf.problems).toEqual([]);
    expect(cf.servers).toHaveLength(servers);
    expectWellFormed(cf, text);
  });

  it('kubeadm: keys, plugin order, arguments, nested options and line numbers', () => {
    const cf = parseCorefile(KUBEADM);
    const [server] = cf.servers;
    expect(server?.keys).toEqual([{ zone: '.', port: 53 }]);
    expect(server?.line).toBe(1);
    const ds = server?.directives ?? [];
    expect(names(ds)).toEqual([
      'errors',
      'health',
      'ready',
      'kubernetes',
      'prometheus',
      'forward',
      'cache',
      'loop',
      'reload',
      'loadbalance',
    ]);
    expect(find(ds, 'health')).toEqual({
      name: 'health',
      args: [],
      block: [{ name: 'lameduck', args: ['5s'], block: [], line: 4 }],
      line: 3,
    });
    expect(find(ds, 'kubernetes')).toEqual({
      name: 'kubernetes',
      args: ['cluster.local', 'in-addr.arpa', 'ip6.arpa'],
      block: [
        { name: 'pods', args: ['insecure'], block: [], line: 8 },
        { name: 'fallthrough', args: ['in-addr.arpa', 'ip6.arpa'], block: [], line: 9 },
        { name: 'ttl', args: ['30'], block: [], line: 10 },
      ],
      line: 7,
    });
    expect(find(ds, 'forward')).toMatchObject({
      args: ['.', '/etc/resolv.conf'],
      block: [{ name: 'max_concurrent', args: ['1000'], line: 14 }],
      line: 13,
    });
    expect(find(ds, 'loadbalance')?.line).toBe(19);
    expect(cf.imports).toEqual([]);
    expect(cf.snippets).toEqual([]);
  });

  it('kubeadm current: cache takes a block with its argument', () => {
    const cache = find(parseCorefile(KUBEADM_CURRENT).servers[0]?.directives ?? [], 'cache');
    expect(cache?.args).toEqual(['30']);
    expect(cache?.block.map((o) => [o.name, ...o.args])).toEqual([
      ['disable', 'success', 'cluster.local'],
      ['disable', 'denial', 'cluster.local'],
    ]);
  });

  it('EKS: a closing brace indented deeper than its opener still closes the right block', () => {
    const ds = parseCorefile(EKS).servers[0]?.directives ?? [];
    expect(find(ds, 'health')?.block).toEqual([{ name: 'lameduck', args: ['5s'], block: [], line: 4 }]);
    expect(find(ds, 'ready')?.line).toBe(6);
    expect(find(ds, 'forward')?.block).toEqual([]);
  });

  it('AKS: the override import stays a directive, both globs are recorded in order', () => {
    const cf = parseCorefile(AKS);
    const ds = cf.servers[0]?.directives ?? [];
    expect(find(ds, 'import')).toEqual({ name: 'import', args: ['custom/*.override'], block: [], line: 18 });
    expect(cf.imports).toEqual(['custom/*.override', 'custom/*.server']);
    expect(cf.servers).toHaveLength(1);
  });

  it('AKS: a quoted regex keeps its braces and loses its quotes', () => {
    const templates = (parseCorefile(AKS).servers[0]?.directives ?? []).filter((d) => d.name === 'template');
    expect(templates.map((t) => t.args)).toEqual([
      ['ANY', 'ANY', 'internal.cloudapp.net'],
      ['ANY', 'ANY', 'reddog.microsoft.com'],
    ]);
    expect(templates[0]?.block[0]).toEqual({
      name: 'match',
      args: ['^(?:[^.]+\\.){4,}internal\\.cloudapp\\.net\\.$'],
      block: [],
      line: 20,
    });
    expect(names(templates[0]?.block ?? [])).toEqual(['match', 'rcode', 'fallthrough']);
  });

  it('ACK: log, pods verified, prefer_udp, lameduck 15s', () => {
    const ds = parseCorefile(ACK).servers[0]?.directives ?? [];
    expect(names(ds).slice(0, 4)).toEqual(['errors', 'log', 'health', 'ready']);
    expect(find(ds, 'health')?.block[0]?.args).toEqual(['15s']);
    expect(find(find(ds, 'kubernetes')?.block ?? [], 'pods')?.args).toEqual(['verified']);
    expect(find(ds, 'forward')?.block).toEqual([{ name: 'prefer_udp', args: [], block: [], line: 15 }]);
  });

  it('k3s: the NodeHosts block and both absolute import globs', () => {
    const cf = parseCorefile(K3S);
    const hosts = find(cf.servers[0]?.directives ?? [], 'hosts');
    expect(hosts?.args).toEqual(['/etc/coredns/NodeHosts']);
    expect(hosts?.block.map((o) => [o.name, ...o.args])).toEqual([
      ['ttl', '60'],
      ['reload', '15s'],
      ['fallthrough'],
    ]);
    expect(cf.imports).toEqual(['/etc/coredns/custom/*.override', '/etc/coredns/custom/*.server']);
  });

  it.each([
    [
      'installed',
      NODELOCAL,
      ['cluster.local.', 'in-addr.arpa.', 'ip6.arpa.', '.'],
      '__PILLAR__CLUSTER__DNS__',
    ],
    ['rendered', NODELOCAL_RENDERED, ['cluster.local.', 'in-addr.arpa.', 'ip6.arpa.', '.'], '10.96.148.217'],
    [
      'template',
      NODELOCAL_TEMPLATE,
      ['__PILLAR__DNS__DOMAIN__', 'in-addr.arpa.', 'ip6.arpa.', '.'],
      '__PILLAR__CLUSTER__DNS__',
    ],
  ])(
    'NodeLocal %s: four server blocks on :53, force_tcp to the cluster DNS',
    (_, text, zones, clusterDns) => {
      const cf = parseCorefile(text);
      expect(cf.servers.map((s) => s.keys)).toEqual(zones.map((zone) => [{ zone, port: 53 }]));
      const first = cf.servers[0]?.directives ?? [];
      expect(find(first, 'forward')?.args).toEqual(['.', clusterDns]);
      expect(find(first, 'forward')?.block.map((o) => o.name)).toEqual(['force_tcp']);
      expect(find(first, 'cache')?.block.map((o) => [o.name, ...o.args])).toEqual([
        ['success', '9984', '30'],
        ['denial', '9984', '5'],
      ]);
      expect(cf.servers.map((s) => s.line)).toEqual([1, 16, 27, 38]);
    },
  );
});

describe('server keys', () => {
  it.each([
    ['.:53', [{ zone: '.', port: 53 }]],
    ['.', [{ zone: '.' }]],
    [':53', [{ zone: '.', port: 53 }]],
    ['cluster.local:53', [{ zone: 'cluster.local.', port: 53 }]],
    ['Example.ORG', [{ zone: 'example.org.' }]],
    ['example.org.', [{ zone: 'example.org.' }]],
    ['dns://.:53', [{ zone: '.', port: 53, scheme: 'dns://' }]],
    ['TLS://example.org:853', [{ zone: 'example.org.', port: 853, scheme: 'tls://' }]],
    ['https://.', [{ zone: '.', scheme: 'https://' }]],
    ['in-addr.arpa ip6.arpa', [{ zone: 'in-addr.arpa.' }, { zone: 'ip6.arpa.' }]],
    [
      'a.example:53, b.example:53',
      [
        { zone: 'a.example.', port: 53 },
        { zone: 'b.example.', port: 53 },
      ],
    ],
    ['10.0.0.0/8:53', [{ zone: '10.0.0.0/8', port: 53 }]],
    ['{$ZONE}:{$PORT}', [{ zone: '{$ZONE}' }]],
  ])('%s', (keys, expected) => {
    const cf = parseCorefile(`${keys} {\n    whoami\n}\n`);
    expect(cf.problems).toEqual([]);
    expect(cf.servers[0]?.keys).toEqual(expected);
  });

  it('addresses continued after a trailing comma on the next line', () => {
    const cf = parseCorefile('a.example,\n  b.example:53 {\n  whoami\n}\n');
    expect(cf.servers[0]?.keys).toEqual([{ zone: 'a.example.' }, { zone: 'b.example.', port: 53 }]);
    expect(cf.servers[0]?.directives[0]?.line).toBe(3);
  });

  it('a server block brace on the line after the address is fine for CoreDNS', () => {
    const cf = parseCorefile('.:53\n{\n  whoami\n}\n');
    expect(cf.problems).toEqual([]);
    expect(names(cf.servers[0]?.directives ?? [])).toEqual(['whoami']);
  });

  it.each([
    ['.:99999', 'invalid port'],
    ['.:abc', 'invalid port'],
  ])('%s is reported', (key, text) => {
    const cf = parseCorefile(`${key} {\n  whoami\n}\n`);
    expect(cf.problems).toEqual([{ line: 1, text: expect.stringContaining(text) }]);
  });

  it('normalizeZone keeps placeholders and CIDRs as written', () => {
    expect(normalizeZone('Cluster.Local')).toBe('cluster.local.');
    expect(normalizeZone('')).toBe('.');
    expect(normalizeZone('172.16.0.0/12')).toBe('172.16.0.0/12');
    expect(normalizeZone('__PILLAR__DNS__DOMAIN__')).toBe('__PILLAR__DNS__DOMAIN__');
  });
});

describe('lexical details', () => {
  it('comments run to the end of the line, start mid-token, and are literal inside quotes', () => {
    const text = [
      '# whole-line comment',
      '.:53 { # after the brace',
      '    forward . 1.1.1.1 # upstream',
      '    template IN A example.org {',
      '        answer "{{ .Name }} 60 IN A 10.0.0.1 # not a comment"',
      '    }',
      '    log foo#bar',
      '}',
    ].join('\n');
    const cf = parseCorefile(text);
    expect(cf.problems).toEqual([]);
    const ds = cf.servers[0]?.directives ?? [];
    expect(ds.map((d) => [d.name, ...d.args])).toEqual([
      ['forward', '.', '1.1.1.1'],
      ['template', 'IN', 'A', 'example.org'],
      ['log', 'foo'],
    ]);
    expect(find(ds, 'template')?.block[0]?.args).toEqual(['{{ .Name }} 60 IN A 10.0.0.1 # not a comment']);
  });

  it('quoted arguments: spaces, escaped quotes, other backslashes kept, multi-line spans', () => {
    const text =
      '.:53 {\n  rewrite name "a b" "say \\"hi\\"" "c:\\\\d"\n  hosts {\n    "multi\nline" x\n  }\n  ready\n}\n';
    const cf = parseCorefile(text);
    expect(cf.problems).toEqual([]);
    const ds = cf.servers[0]?.directives ?? [];
    expect(ds[0]?.args).toEqual(['name', 'a b', 'say "hi"', 'c:\\\\d']);
    expect(find(ds, 'hosts')?.block).toEqual([{ name: 'multi\nline', args: ['x'], block: [], line: 4 }]);
    expect(find(ds, 'ready')?.line).toBe(7);
  });

  it('a quoted brace is still a brace: Caddy compares braces by text', () => {
    const cf = parseCorefile('.:53 {\n  template ANY ANY "{"\n    rcode NXDOMAIN\n  "}"\n  whoami\n}\n');
    expect(cf.problems).toEqual([]);
    const ds = cf.servers[0]?.directives ?? [];
    expect(ds.map((d) => [d.name, d.args, d.block.length])).toEqual([
      ['template', ['ANY', 'ANY'], 1],
      ['whoami', [], 0],
    ]);
  });

  it('env vars stay as written in keys and arguments', () => {
    const cf = parseCorefile('{$ZONE}:53 {\n  forward . {$UPSTREAM} {%WINDOWS%}\n}\n');
    expect(cf.problems).toEqual([]);
    expect(cf.servers[0]?.keys).toEqual([{ zone: '{$ZONE}', port: 53 }]);
    expect(cf.servers[0]?.directives[0]?.args).toEqual(['.', '{$UPSTREAM}', '{%WINDOWS%}']);
  });

  it('Windows line endings and tabs parse exactly like LF and spaces', () => {
    const crlf = KUBEADM.replace(/\n/g, '\r\n').replace(/ {4}/g, '\t');
    expect(parseCorefile(crlf)).toEqual(parseCorefile(KUBEADM));
  });

  it('a leading BOM is ignored', () => {
    expect(parseCorefile(`\uFEFF${KUBEADM}`)).toEqual(parseCorefile(KUBEADM));
  });

  it('directive names keep their case: CoreDNS would reject `Forward`', () => {
    expect(parseCorefile('. {\n  Forward . 1.1.1.1\n}\n').servers[0]?.directives[0]?.name).toBe('Forward');
  });

  it('a single server block may omit its braces', () => {
    const cf = parseCorefile('.:53\nerrors\nforward . 8.8.8.8 {\n  force_tcp\n}\n');
    expect(cf.problems).toEqual([]);
    expect(cf.servers).toHaveLength(1);
    expect(cf.servers[0]?.keys).toEqual([{ zone: '.', port: 53 }]);
    expect(cf.servers[0]?.directives.map((d) => [d.name, d.line, d.block.length])).toEqual([
      ['errors', 2, 0],
      ['forward', 3, 1],
    ]);
  });
});

describe('snippets and imports', () => {
  const withSnippet = [
    '(common) {',
    '    errors',
    '    cache 30',
    '}',
    '.:53 {',
    '    import common',
    '    forward . 1.1.1.1',
    '    import custom/*.override',
    '}',
  ].join('\n');

  it('an imported snippet is pasted in place with its own line numbers', () => {
    const cf = parseCorefile(withSnippet);
    expect(cf.problems).toEqual([]);
    expect(cf.snippets).toEqual(['common']);
    expect(cf.servers).toHaveLength(1);
    expect(cf.servers[0]?.directives.map((d) => [d.name, d.line])).toEqual([
      ['errors', 2],
      ['cache', 3],
      ['forward', 7],
      ['import', 8],
    ]);
    expect(cf.imports).toEqual(['common', 'custom/*.override']);
  });

  it('a snippet pastes inside a plugin block too', () => {
    const text = '(h) {\n  10.0.0.1 a.example\n  fallthrough\n}\n.:53 {\n  hosts {\n    import h\n  }\n}\n';
    const cf = parseCorefile(text);
    expect(cf.problems).toEqual([]);
    expect(find(cf.servers[0]?.directives ?? [], 'hosts')?.block.map((o) => o.name)).toEqual([
      '10.0.0.1',
      'fallthrough',
    ]);
  });

  it('a snippet imported before its definition is pasted, and reported: CoreDNS looks for a file', () => {
    const text = '.:53 {\n  import common\n}\n(common) {\n  errors\n}\n';
    const cf = parseCorefile(text);
    expect(cf.servers[0]?.directives.map((d) => d.name)).toEqual(['errors']);
    expect(cf.problems).toEqual([{ line: 2, text: expect.stringContaining('before its definition') }]);
  });

  it('a pasted snippet yields fresh objects each time', () => {
    const cf = parseCorefile(
      '(c) {\n  cache 30\n}\na.example {\n  import c\n}\nb.example {\n  import c\n}\n',
    );
    const [a, b] = cf.servers.map((s) => s.directives[0]);
    expect(a).toEqual(b);
    expect(a).not.toBe(b);
  });

  it('an import pattern with two wildcards is reported', () => {
    const cf = parseCorefile('. {\n  import custom/*/*.override\n}\n');
    expect(cf.problems).toEqual([{ line: 2, text: expect.stringContaining('more than one wildcard') }]);
  });

  it('a top-level snippet import can hold whole server blocks', () => {
    const text =
      '(zones) {\n  a.example {\n    whoami\n  }\n  b.example {\n    whoami\n  }\n}\nimport zones\n';
    const cf = parseCorefile(text);
    expect(cf.problems).toEqual([]);
    expect(cf.servers.map((s) => [s.keys[0]?.zone, s.line])).toEqual([
      ['a.example.', 2],
      ['b.example.', 5],
    ]);
  });

  it.each([
    ['a snippet importing itself', '(a) {\n  import a\n  whoami\n}\n. {\n  import a\n}\n', 'imports itself'],
    [
      'two snippets importing each other',
      '(a) {\n  import b\n}\n(b) {\n  import a\n}\n. {\n  import a\n}\n',
      'imports itself',
    ],
    ['an import without a target', '. {\n  import\n}\n', 'import without'],
    ['a snippet without a body', '(a)\n', 'no '],
    ['a snippet defined twice', '(a) {\n}\n(a) {\n}\n', 'defined twice'],
  ])('%s is reported, not followed', (_, text, message) => {
    const cf = parseCorefile(text);
    expect(cf.problems.map((p) => p.text).join('\n')).toContain(message);
    expectWellFormed(cf, text);
  });

  it('snippet fan-out is bounded', () => {
    // 2^20 pastes if followed naively: each level imports the previous one twice.
    const levels = Array.from({ length: 20 }, (_, i) => `(s${i + 1}) {\n  import s${i}\n  import s${i}\n}`);
    const text = ['(s0) {\n  whoami\n}', ...levels, '. {\n  import s20\n}'].join('\n');
    const started = performance.now();
    const cf = parseCorefile(text);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(cf.problems.some((p) => p.text.includes('expand past'))).toBe(true);
    expect(cf.servers[0]?.directives.length).toBeLessThanOrEqual(100_000);
  });

  it('parseCorefileFragment reads an override file as plain directives', () => {
    const frag = parseCorefileFragment(AKS_OVERRIDE_SECOND_FORWARD);
    expect(frag.problems).toEqual([]);
    expect(frag.directives).toEqual([{ name: 'forward', args: ['.', '10.1.2.3'], block: [], line: 1 }]);
  });

  it('the same override text given to parseCorefile is reported as outside any server block', () => {
    const cf = parseCorefile(AKS_OVERRIDE_SECOND_FORWARD);
    expect(cf.servers).toEqual([]);
    expect(cf.problems).toEqual([{ line: 1, text: expect.stringContaining('outside any server block') }]);
  });
});

describe('malformed input', () => {
  it.each([
    ['empty text', '', [], 0],
    ['only whitespace and comments', '\n  # nothing\r\n\t\n', [], 0],
    ['a block never closed', '.:53 {\n  errors\n  forward . 1.1.1.1 {\n    force_tcp\n', [3, 1], 1],
    ['a stray closing brace', '.:53 {\n  errors\n}\n}\n', [4], 1],
    ['a brace before any address', '{\n  errors\n}\n', [1], 0],
    ['a directive outside any block', '.:53 {\n  errors\n}\nlog\n', [4], 1],
    ['an unterminated quote', '.:53 {\n  rewrite name "a b\n}\n', [2, 1], 1],
    ['a block closed on its content line', '.:53 {\n  health { lameduck 5s }\n}\n', [2], 1],
    ['a server block closed on its content line', '. { whoami }\n', [1], 1],
    [
      'a plugin block brace on its own line',
      '.:53 {\n  forward . 1.1.1.1\n  {\n    force_tcp\n  }\n}\n',
      [3],
      1,
    ],
    ['text after a closing brace', '.:53 {\n  health {\n  } ready\n}\n', [3], 1],
  ])('%s', (_, text, lines, servers) => {
    const cf = parseCorefile(text);
    expect(problemLines(cf)).toEqual(lines);
    expect(cf.servers).toHaveLength(servers);
    expectWellFormed(cf, text);
  });

  it('an unclosed block keeps what it holds', () => {
    const cf = parseCorefile('.:53 {\n  errors\n  forward . 1.1.1.1 {\n    force_tcp\n');
    expect(cf.servers[0]?.directives.map((d) => [d.name, d.block.map((o) => o.name)])).toEqual([
      ['errors', []],
      ['forward', ['force_tcp']],
    ]);
    expect(cf.problems[0]?.text).toContain('forward . 1.1.1.1');
  });

  it('a one-line block still yields its option, with the problem that CoreDNS would hit', () => {
    const cf = parseCorefile('.:53 {\n  health { lameduck 5s }\n}\n');
    expect(find(cf.servers[0]?.directives ?? [], 'health')?.block).toEqual([
      { name: 'lameduck', args: ['5s'], block: [], line: 2 },
    ]);
    expect(cf.problems[0]?.text).toContain("'}' shares its line");
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['a Buffer', Buffer.from(KUBEADM)],
  ])('a non-string (%s) does not throw', (_, input) => {
    const cf = parseCorefile(input as unknown as string);
    expect(Array.isArray(cf.servers)).toBe(true);
    expect(Array.isArray(cf.problems)).toBe(true);
  });

  it('a Buffer is read as its text', () => {
    expect(parseCorefile(Buffer.from(KUBEADM) as unknown as string).servers).toHaveLength(1);
  });

  it.each([1, 2, 3, 4, 5])('binary garbage (seed %i) yields bounded problems and no throw', (seed) => {
    const next = rng(seed);
    const text = Array.from({ length: 64 * 1024 }, () => String.fromCharCode(Math.floor(next() * 256))).join(
      '',
    );
    const cf = parseCorefile(text);
    expectWellFormed(cf, text);
    expect(cf.problems.length).toBeGreaterThan(0);
  });

  it.each(DEFAULT_COREFILES.map((f, i) => [f.name, f.text, i] as const))(
    '%s with random bytes deleted, duplicated or braced stays well formed',
    (_, text, seed) => {
      const next = rng(1000 + seed);
      for (let round = 0; round < 50; round++) {
        const chars = [...text];
        for (let k = 0; k < 8; k++) {
          const at = Math.floor(next() * chars.length);
          const op = Math.floor(next() * 4);
          if (op === 0) chars.splice(at, 1);
          else if (op === 1) chars.splice(at, 0, '{');
          else if (op === 2) chars.splice(at, 0, '}');
          else chars.splice(at, 0, '"');
        }
        const mutated = chars.join('');
        expectWellFormed(parseCorefile(mutated), mutated);
      }
    },
  );

  it('500k nested blocks neither blow the stack nor the clock', () => {
    const depth = 500_000;
    const text = `.:53 {\n${'a {\n'.repeat(depth)}${'}\n'.repeat(depth)}}\n`;
    const started = performance.now();
    const cf = parseCorefile(text);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(cf.problems.map((p) => p.text)).toEqual([expect.stringContaining('deeper than 64')]);
    let d: Directive | undefined = cf.servers[0]?.directives[0];
    let levels = 0;
    while (d !== undefined) {
      levels++;
      d = d.block[0];
    }
    // The server block and 63 nested blocks are kept; the 64th `a` keeps its line, not its block.
    expect(levels).toBe(64);
  });

  it('500k unclosed braces: one problem for the skipped region, one per kept block', () => {
    const text = `.:53 {\n${'a {\n'.repeat(500_000)}`;
    const cf = parseCorefile(text);
    expect(cf.problems).toHaveLength(1 + 1 + 64);
    expect(cf.problems[0]).toEqual({ line: 65, text: expect.stringContaining('deeper than 64') });
    expect(cf.problems[1]).toEqual({ line: 65, text: "'{' opened here is never closed" });
    expect(cf.problems.at(-1)).toEqual({ line: 1, text: expect.stringContaining('`.:53` is never closed') });
  });

  it('500k stray closing braces: the first 200 problems, then a count', () => {
    const cf = parseCorefile('}\n'.repeat(500_000));
    expect(cf.problems).toHaveLength(201);
    expect(cf.problems[199]).toEqual({ line: 200, text: "'}' has no matching '{'" });
    expect(cf.problems[200]).toEqual({ line: 201, text: '499800 more problems not listed' });
  });
});

describe('size', () => {
  /** Many server blocks of real shape, with distinct zones, to about 1 MB. */
  function bigCorefile(bytes = 1024 * 1024): string {
    const blocks: string[] = [KUBEADM];
    let size = KUBEADM.length;
    for (let i = 0; size < bytes; i++) {
      const block = `zone${i}.example:53 {\n    errors\n    cache 30\n    forward . 10.0.${i % 250}.1 10.0.${i % 250}.2 {\n       max_concurrent 1000\n       prefer_udp\n    }\n    log\n}\n`;
      blocks.push(block);
      size += block.length;
    }
    return blocks.join('');
  }

  /** Best of five after a warm-up: the suite shares two cores, so one slow sample says little. */
  function bestOf5(fn: () => void): number {
    fn();
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      fn();
      best = Math.min(best, performance.now() - started);
    }
    return best;
  }

  // Times are compared with a baseline parsed in the same process, not with the clock: the suite
  // shares two cores, and what matters is the shape (linear), which a loaded machine does not change.
  let baselineMs = 0;

  // 16 times the input: linear code takes 16-50 times as long (small inputs stay in cache), a
  // quadratic one 256 times. The bound sits between.
  it('a 1 MB Corefile parses in linear time (16 times the input, under 100 times the time)', () => {
    const text = bigCorefile();
    expect(text.length).toBeGreaterThanOrEqual(1024 * 1024);
    const small = bigCorefile(64 * 1024);
    let cf: Corefile | undefined;
    const smallMs = bestOf5(() => parseCorefile(small));
    const ms = bestOf5(() => {
      cf = parseCorefile(text);
    });
    baselineMs = ms;
    expect(ms / Math.max(smallMs, 0.5)).toBeLessThan(100);
    expect(cf?.problems).toEqual([]);
    expect(cf?.servers.length).toBeGreaterThan(7000);
    expect(cf?.servers.at(-1)?.directives.map((d) => d.name)).toEqual(['errors', 'cache', 'forward', 'log']);
  });

  it.each([
    ['one 1 MB line', () => `. { ${'x'.repeat(1024 * 1024)} }`],
    ['1 MB of opening braces', () => '{'.repeat(1024 * 1024)],
    ['1 MB of space-separated braces', () => '{ '.repeat(512 * 1024)],
    ['1 MB of quotes', () => '"'.repeat(1024 * 1024)],
    ['1 MB of newlines', () => '\n'.repeat(1024 * 1024)],
    ['1 MB of comment', () => `#${'x'.repeat(1024 * 1024)}`],
  ])('%s stays fast (within 20 times a normal 1 MB Corefile)', (_, make) => {
    const text = make();
    const ms = bestOf5(() => parseCorefile(text));
    const normal = baselineMs || bestOf5(() => parseCorefile(bigCorefile()));
    expect(ms).toBeLessThan(20 * Math.max(normal, 5));
    expectWellFormed(parseCorefile(text), text);
  });
});
