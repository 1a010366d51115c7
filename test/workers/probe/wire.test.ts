import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { type DecodedPacket, decode, encode, type Packet } from 'dns-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { mapDialer } from '../../../workers/probe/dialer.js';
import { query } from '../../../workers/probe/query.js';
import {
  encodeQuery,
  formatRecord,
  matchAnswer,
  matchHeader,
  questionBytes,
  rcodeName,
} from '../../../workers/probe/wire.js';
import { AddressMap } from '../../sim/dns/index.js';

const NAME = 'api.example.com';

function response(id: number, name: string, extra: Partial<Packet> = {}): Buffer {
  return encode({
    type: 'response',
    id,
    flags: 0,
    questions: [{ name, type: 'A', class: 'IN' }],
    answers: [{ name, type: 'A', ttl: 5, data: '192.0.2.7' }],
    ...extra,
  });
}

describe('matching answers', () => {
  it('accepts only a response with the same id and question (case and root dot aside)', () => {
    const q = { name: NAME, type: 'A' as const };
    expect(matchAnswer(response(7, 'API.Example.com.'), 7, q)).toEqual({
      rcode: 'NOERROR',
      answers: ['A 192.0.2.7'],
      tc: false,
      aa: false,
    });
    expect(matchAnswer(response(8, NAME), 7, q)).toBeUndefined();
    expect(matchAnswer(response(7, 'other.example.com'), 7, q)).toBeUndefined();
    expect(matchAnswer(response(7, NAME), 7, { name: NAME, type: 'AAAA' })).toBeUndefined();
    expect(matchAnswer(response(7, NAME, { type: 'query' }), 7, q)).toBeUndefined();
    expect(matchAnswer(Buffer.from([1, 2, 3]), 7, q)).toBeUndefined();
  });

  it('matches from the header and question bytes as matchAnswer does from a full decode', () => {
    const q = { name: NAME, type: 'A' as const };
    const echo = questionBytes(encodeQuery(7, q, true));
    const bare = (id: number, rcode: number) =>
      encode({ type: 'response', id, flags: rcode, questions: [], answers: [] });
    const cases: [string, Buffer][] = [
      ['same question, other case and root dot', response(7, 'API.Example.com.')],
      ['NXDOMAIN', response(7, NAME, { flags: 3, answers: [] })],
      ['truncated', response(7, NAME, { flags: 0x200 })],
      ['other id', response(8, NAME)],
      ['other name', response(7, 'other.example.com')],
      ['longer name', response(7, `${NAME}.x`)],
      ['other type', response(7, NAME, { questions: [{ name: NAME, type: 'AAAA', class: 'IN' }] })],
      ['a query, not a response', response(7, NAME, { type: 'query' })],
      ['bare REFUSED header', bare(7, 5)],
      ['bare NOERROR header', bare(7, 0)],
      ['too short', Buffer.from([0, 7, 0x80])],
    ];
    for (const [what, bytes] of cases) {
      const full = matchAnswer(bytes, 7, q);
      const fast = matchHeader(bytes, 7, echo);
      expect(fast < 0 ? undefined : rcodeName(fast), what).toBe(full?.rcode);
    }
    expect(matchHeader(response(7, NAME, { flags: 3, answers: [] }), 7, echo)).toBe(3);
    expect(rcodeName(15)).toBe('RCODE_15');
  });

  it('writes records in the short form dig prints', () => {
    expect(
      formatRecord({
        name: 'x',
        type: 'SRV',
        data: { priority: 0, weight: 100, port: 53, target: 'ns.example' },
      }),
    ).toBe('SRV 0 100 53 ns.example');
    expect(formatRecord({ name: 'x', type: 'TXT', data: [Buffer.from('v=1'), Buffer.from('b')] })).toBe(
      'TXT "v=1" "b"',
    );
    expect(formatRecord({ name: 'x', type: 'CNAME', data: 'web.shop.svc.cluster.local' })).toBe(
      'CNAME web.shop.svc.cluster.local',
    );
  });
});

// Hand-written loopback servers that misbehave in ways the simulator does not: stray packets, split frames.
const open: (UdpSocket | Server)[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

function mapTo(port: number): AddressMap {
  const map = new AddressMap();
  map.set('10.96.0.10:53', { host: '127.0.0.1', port, tcpPort: port });
  return map;
}

describe('what arrives on the socket', () => {
  it('leaves no socket open after answers, timeouts and aborts', async () => {
    const server = createSocket('udp4'); // silent: never answers
    open.push(server);
    server.bind(0, '127.0.0.1');
    await once(server, 'listening');
    const sockets = () => process.getActiveResourcesInfo().filter((r) => /UDP|TCP/.test(r)).length;
    await new Promise((resolve) => setTimeout(resolve, 50)); // earlier tests' sockets finish closing
    const before = sockets();
    const dialer = mapDialer(mapTo(server.address().port));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const running = Promise.all([
      query(
        dialer,
        { host: '10.96.0.10', port: 53 },
        { name: NAME, type: 'A', transport: 'udp', timeoutMs: 50 },
      ),
      query(
        dialer,
        { host: '10.96.0.10', port: 53 },
        { name: NAME, type: 'A', transport: 'tcp', timeoutMs: 50 },
      ),
      query(
        dialer,
        { host: '10.96.0.10', port: 53 },
        { name: NAME, type: 'A', transport: 'udp', timeoutMs: 5000 },
        controller.signal,
      ),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    // The two UDP sockets are open; the TCP one was refused at once (nothing listens on TCP there).
    expect(sockets()).toBe(before + 2);
    const [timedOut, refused, aborted] = await running;
    expect([timedOut, refused, aborted]).toMatchObject([
      { error: 'timeout', transport: 'udp' },
      { error: 'refused', transport: 'tcp' },
      { error: 'aborted', transport: 'udp' },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 20)); // let close callbacks run
    expect(sockets()).toBe(before);
  });

  it('ignores a wrong-id answer over UDP and takes the right one after it', async () => {
    const server = createSocket('udp4');
    open.push(server);
    server.on('message', (msg, from) => {
      const q = decode(msg) as DecodedPacket;
      const id = q.id ?? 0;
      server.send(response((id + 1) % 65536, NAME), from.port, from.address);
      setTimeout(() => server.send(response(id, NAME), from.port, from.address), 20);
    });
    server.bind(0, '127.0.0.1');
    await once(server, 'listening');
    const result = await query(
      mapDialer(mapTo(server.address().port)),
      { host: '10.96.0.10', port: 53 },
      {
        name: NAME,
        type: 'A',
        transport: 'udp',
        timeoutMs: 1000,
      },
    );
    expect(result).toMatchObject({ rcode: 'NOERROR', answers: ['A 192.0.2.7'] });
    expect(result.ms).toBeGreaterThanOrEqual(15);
  });

  it('reassembles a TCP answer sent a byte at a time after a stray frame', async () => {
    const server = createServer((conn) => {
      conn.once('data', (chunk: Buffer) => {
        const id = (decode(chunk.subarray(2)) as DecodedPacket).id ?? 0;
        const frames = [response((id + 1) % 65536, NAME), response(id, NAME)].map((body) => {
          const length = Buffer.alloc(2);
          length.writeUInt16BE(body.length);
          return Buffer.concat([length, body]);
        });
        const bytes = Buffer.concat(frames);
        let i = 0;
        const drip = setInterval(() => {
          if (i >= bytes.length || conn.destroyed) return clearInterval(drip);
          conn.write(bytes.subarray(i, i + 1));
          i++;
        }, 0);
      });
    });
    open.push(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as { port: number }).port;
    const result = await query(
      mapDialer(mapTo(port)),
      { host: '10.96.0.10', port: 53 },
      {
        name: NAME,
        type: 'A',
        transport: 'tcp',
        timeoutMs: 5000,
      },
    );
    expect(result).toMatchObject({ rcode: 'NOERROR', answers: ['A 192.0.2.7'], transport: 'tcp' });
  });

  it('reports a TCP server that hangs up without answering as reset', async () => {
    const server = createServer((conn) => conn.once('data', () => conn.end()));
    open.push(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as { port: number }).port;
    const result = await query(
      mapDialer(mapTo(port)),
      { host: '10.96.0.10', port: 53 },
      {
        name: NAME,
        type: 'A',
        transport: 'tcp',
        timeoutMs: 1000,
      },
    );
    expect(result).toMatchObject({ error: 'reset', transport: 'tcp' });
  });
});
