import { execFile } from 'node:child_process';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import {
  type DecodedPacket,
  decode,
  encode,
  type OptAnswer,
  type Packet,
  type Question,
  RECURSION_DESIRED,
  streamEncode,
} from 'dns-packet';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AddressMap,
  AddressNotMappedError,
  type SimDnsServer,
  startDnsServer,
  startDnsServers,
} from './dns/index.js';
import type { DnsServerBehaviour } from './scenario/types.js';

// --- a tiny DNS client: real sockets on loopback, our own timeouts ---------------------------------
type Reply = DecodedPacket & { rcode: string };

function query(name: string, type: Question['type'], opts: { id?: number; edns?: number } = {}): Packet {
  const opt: OptAnswer = {
    type: 'OPT',
    name: '.',
    udpPayloadSize: opts.edns ?? 0,
    extendedRcode: 0,
    ednsVersion: 0,
    flags: 0,
    flag_do: false,
    options: [],
  };
  return {
    type: 'query',
    id: opts.id ?? 4242,
    flags: RECURSION_DESIRED,
    questions: [{ name, type, class: 'IN' }],
    additionals: opts.edns === undefined ? [] : [opt],
  };
}

async function openUdp(): Promise<UdpSocket> {
  const socket = createSocket('udp4');
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  return socket;
}

/** Every reply arriving on `socket` within `waitMs`, with its raw size. */
function collect(socket: UdpSocket, waitMs: number): Promise<{ reply: Reply; size: number }[]> {
  const got: { reply: Reply; size: number }[] = [];
  socket.on('message', (msg: Buffer) => got.push({ reply: decode(msg) as Reply, size: msg.length }));
  return sleep(waitMs).then(() => got);
}

/** One UDP exchange: the first reply, or undefined after `timeoutMs` (silence). */
async function askUdp(port: number, message: Packet | Buffer, timeoutMs = 1000) {
  const socket = await openUdp();
  try {
    const reply = new Promise<{ reply: Reply; size: number }>((resolve) =>
      socket.once('message', (msg: Buffer) => resolve({ reply: decode(msg) as Reply, size: msg.length })),
    );
    socket.send(Buffer.isBuffer(message) ? message : encode(message), port, '127.0.0.1');
    return await Promise.race([reply, sleep(timeoutMs).then(() => undefined)]);
  } finally {
    socket.close();
  }
}

/** Writes `chunks` on one TCP connection (a pause between them forces partial reads), reads `expected` framed replies. */
async function askTcp(port: number, chunks: Buffer[], expected: number, timeoutMs = 1000): Promise<Reply[]> {
  const conn = connect({ port, host: '127.0.0.1', noDelay: true });
  await once(conn, 'connect');
  const replies: Reply[] = [];
  let pending: Buffer = Buffer.alloc(0);
  const done = new Promise<void>((resolve) => {
    conn.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        const length = pending.readUInt16BE(0);
        replies.push(decode(pending.subarray(2, 2 + length)) as Reply);
        pending = pending.subarray(2 + length);
      }
      if (replies.length >= expected) resolve();
    });
  });
  for (const chunk of chunks) {
    conn.write(chunk);
    await sleep(5);
  }
  await Promise.race([done, sleep(timeoutMs)]);
  conn.destroy();
  return replies;
}

const answersOf = (r: Reply | undefined) => (r?.answers ?? []).map((a) => ('data' in a ? a.data : undefined));

// --- servers ----------------------------------------------------------------------------------------
const started: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});
async function serve(behaviour: DnsServerBehaviour): Promise<SimDnsServer> {
  const server = await startDnsServer(behaviour);
  started.push(server);
  return server;
}

const records: DnsServerBehaviour['records'] = {
  'shop.prod.svc.cluster.local': { A: ['10.96.12.7'], AAAA: ['fd00::12:7'] },
  'api.example.net.': { A: ['192.0.2.10', '192.0.2.11'], TXT: ['v=spf1 -all'] },
  '_grpc._tcp.api.prod.svc.cluster.local': { SRV: ['0 50 8443 api-0.api.prod.svc.cluster.local'] },
  'www.example.net': { CNAME: ['api.example.net.'] },
  '7.12.96.10.in-addr.arpa': { PTR: ['shop.prod.svc.cluster.local'] },
};

describe('simulated DNS server: answers', () => {
  it('serves A, AAAA, SRV, TXT, PTR with AA, RD echoed, RA off, id and question echoed, names case-insensitive', async () => {
    const s = await serve({ records });
    const a = (await askUdp(s.udpPort, query('Shop.Prod.SVC.cluster.local.', 'A', { id: 777 })))?.reply;
    expect(a).toMatchObject({
      id: 777,
      rcode: 'NOERROR',
      flag_qr: true,
      flag_aa: true,
      flag_rd: true,
      flag_ra: false,
    });
    expect(a?.questions).toEqual([{ name: 'Shop.Prod.SVC.cluster.local', type: 'A', class: 'IN' }]);
    expect(answersOf(a)).toEqual(['10.96.12.7']);
    const aaaa = (await askUdp(s.udpPort, query('shop.prod.svc.cluster.local', 'AAAA')))?.reply;
    expect(answersOf(aaaa)).toEqual(['fd00::12:7']);
    const srv = (await askUdp(s.udpPort, query('_grpc._tcp.api.prod.svc.cluster.local', 'SRV')))?.reply;
    expect(answersOf(srv)).toEqual([
      { priority: 0, weight: 50, port: 8443, target: 'api-0.api.prod.svc.cluster.local' },
    ]);
    const txt = (await askUdp(s.udpPort, query('API.example.net', 'TXT')))?.reply;
    expect(answersOf(txt)).toEqual([[Buffer.from('v=spf1 -all')]]);
    const ptr = (await askUdp(s.udpPort, query('7.12.96.10.in-addr.arpa', 'PTR')))?.reply;
    expect(answersOf(ptr)).toEqual(['shop.prod.svc.cluster.local']);
    expect(s.queries.map((q) => `${q.type} ${q.transport} ${q.answered}`)).toEqual([
      'A udp NOERROR',
      'AAAA udp NOERROR',
      'SRV udp NOERROR',
      'TXT udp NOERROR',
      'PTR udp NOERROR',
    ]);
  });

  it('follows a CNAME inside its records and answers NODATA for a served name without that type', async () => {
    const s = await serve({ records });
    const cname = (await askUdp(s.udpPort, query('www.example.net', 'A')))?.reply;
    expect(cname?.answers?.map((x) => `${x.name} ${x.type}`)).toEqual([
      'www.example.net CNAME',
      'api.example.net A',
      'api.example.net A',
    ]);
    const nodata = (await askUdp(s.udpPort, query('api.example.net', 'AAAA')))?.reply;
    expect(nodata).toMatchObject({ rcode: 'NOERROR', flag_aa: true, answers: [] });
  });

  it('answers NXDOMAIN, SERVFAIL and REFUSED per name, `*.suffix` and `otherwise`', async () => {
    const s = await serve({
      records,
      rcodes: { 'gone.example.net': 'NXDOMAIN', '*.corp.example': 'SERVFAIL', 'api.example.net': 'REFUSED' },
    });
    const code = async (name: string) => (await askUdp(s.udpPort, query(name, 'A')))?.reply;
    expect(await code('gone.example.net')).toMatchObject({ rcode: 'NXDOMAIN', answers: [] });
    expect(await code('db.eu.corp.example')).toMatchObject({ rcode: 'SERVFAIL', flag_aa: false });
    expect((await code('corp.example'))?.rcode).toBe('NXDOMAIN'); // the suffix itself is not under `*.`
    expect((await code('api.example.net'))?.rcode).toBe('REFUSED'); // rcodes win over records
    expect((await code('unknown.example.org'))?.rcode).toBe('NXDOMAIN'); // default `otherwise`
    const other = await serve({ otherwise: 'SERVFAIL' });
    expect((await askUdp(other.udpPort, query('unknown.example.org', 'A')))?.reply.rcode).toBe('SERVFAIL');
  });
});

describe('simulated DNS server: silence, loss, latency', () => {
  it('stays silent for unknown names with otherwise SILENT, per transport with `silent`', async () => {
    const s = await serve({ records, otherwise: 'SILENT' });
    expect(await askUdp(s.udpPort, query('unknown.example.org', 'A'), 250)).toBeUndefined();
    expect((await askUdp(s.udpPort, query('api.example.net', 'A')))?.reply.rcode).toBe('NOERROR');

    const udpOnly = await serve({ records, silent: 'udp' });
    expect(await askUdp(udpOnly.udpPort, query('api.example.net', 'A'), 250)).toBeUndefined();
    const overTcp = await askTcp(udpOnly.tcpPort, [streamEncode(query('api.example.net', 'A'))], 1);
    expect(overTcp.map((r) => r.rcode)).toEqual(['NOERROR']);
    expect(udpOnly.queries.map((q) => `${q.transport} ${q.answered}`)).toEqual(['udp silent', 'tcp NOERROR']);

    const both = await serve({ records, silent: 'both' });
    expect(await askTcp(both.tcpPort, [streamEncode(query('api.example.net', 'A'))], 1, 250)).toEqual([]);
  });

  it('adds latencyMs before answering', async () => {
    const s = await serve({ records, latencyMs: 150 });
    const t0 = performance.now();
    expect((await askUdp(s.udpPort, query('api.example.net', 'A')))?.reply.rcode).toBe('NOERROR');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it('drops exactly every Nth query, counted over both transports', async () => {
    const s = await serve({ records, dropEvery: 3 });
    const outcomes: boolean[] = [];
    for (let i = 1; i <= 7; i++) {
      const ask = query('api.example.net', 'A', { id: i });
      const answered =
        i === 4
          ? (await askTcp(s.tcpPort, [streamEncode(ask)], 1, 250)).length === 1
          : (await askUdp(s.udpPort, ask, 250)) !== undefined;
      outcomes.push(answered);
    }
    expect(outcomes).toEqual([true, true, false, true, true, false, true]);
    expect(s.queries.filter((q) => q.answered === 'dropped').map((q) => q.id)).toEqual([3, 6]);
  });

  it('with dropOnly: udp, counts and drops UDP queries only (stale IPVS UDP entries)', async () => {
    const s = await serve({ records, dropEvery: 2, dropOnly: 'udp' });
    const outcomes: string[] = [];
    for (let i = 1; i <= 6; i++) {
      const ask = query('api.example.net', 'A', { id: i });
      const overTcp = i % 3 === 0;
      const answered = overTcp
        ? (await askTcp(s.tcpPort, [streamEncode(ask)], 1, 250)).length === 1
        : (await askUdp(s.udpPort, ask, 250)) !== undefined;
      outcomes.push(`${overTcp ? 'tcp' : 'udp'} ${answered ? 'answered' : 'lost'}`);
    }
    // UDP queries 1, 2, 4, 5 count as 1st..4th: the 2nd and 4th are lost; TCP is never touched.
    expect(outcomes).toEqual([
      'udp answered',
      'udp lost',
      'tcp answered',
      'udp answered',
      'udp lost',
      'tcp answered',
    ]);
  });

  it('drops the second of an A/AAAA pair from one socket, not from two sockets or 50 ms apart', async () => {
    const s = await serve({ records, dropSameSocketPair: true });
    const name = 'shop.prod.svc.cluster.local';
    const one = await openUdp();
    const fromOne = collect(one, 300);
    one.send(encode(query(name, 'A', { id: 1 })), s.udpPort, '127.0.0.1');
    one.send(encode(query(name, 'AAAA', { id: 2 })), s.udpPort, '127.0.0.1');
    expect((await fromOne).map((r) => r.reply.id)).toEqual([1]);

    const [x, y] = [await openUdp(), await openUdp()];
    const [fromX, fromY] = [collect(x, 300), collect(y, 300)];
    x.send(encode(query(name, 'A', { id: 3 })), s.udpPort, '127.0.0.1');
    y.send(encode(query(name, 'AAAA', { id: 4 })), s.udpPort, '127.0.0.1');
    expect([(await fromX).length, (await fromY).length]).toEqual([1, 1]);

    const slow = await openUdp();
    const fromSlow = collect(slow, 400);
    slow.send(encode(query(name, 'A', { id: 5 })), s.udpPort, '127.0.0.1');
    await sleep(120);
    slow.send(encode(query(name, 'AAAA', { id: 6 })), s.udpPort, '127.0.0.1');
    expect((await fromSlow).map((r) => r.reply.id).sort()).toEqual([5, 6]);
    for (const socket of [one, x, y, slow]) socket.close();
    expect(s.queries.filter((q) => q.answered === 'dropped').map((q) => q.id)).toEqual([2]);
  });
});

describe('simulated DNS server: truncation, EDNS, TCP', () => {
  const many = Array.from({ length: 40 }, (_, i) => `10.8.${i >> 4}.${i + 1}`);
  const srvs = Array.from({ length: 12 }, (_, i) => `0 10 8080 web-${i}.web.prod.svc.cluster.local`);
  const big = {
    'web.prod.svc.cluster.local': { A: many },
    '_http._tcp.web.prod.svc.cluster.local': { SRV: srvs },
  };

  it('sets TC and empties the answers over UDP above 512 bytes, and answers in full over TCP', async () => {
    const s = await serve({ records: big });
    for (const [name, type, count] of [
      ['web.prod.svc.cluster.local', 'A', 40],
      ['_http._tcp.web.prod.svc.cluster.local', 'SRV', 12],
    ] as const) {
      const udp = await askUdp(s.udpPort, query(name, type));
      expect(udp?.reply).toMatchObject({ flag_tc: true, answers: [], rcode: 'NOERROR' });
      expect(udp?.size).toBeLessThanOrEqual(512);
      const [tcp] = await askTcp(s.tcpPort, [streamEncode(query(name, type))], 1);
      expect(tcp).toMatchObject({ flag_tc: false });
      expect(tcp?.answers).toHaveLength(count);
    }
  });

  it('honours the client EDNS payload size, echoes OPT, and still truncates above truncateAbove', async () => {
    const s = await serve({ records: big });
    const edns = await askUdp(s.udpPort, query('web.prod.svc.cluster.local', 'A', { edns: 1232 }));
    expect(edns?.reply.flag_tc).toBe(false);
    expect(edns?.reply.answers).toHaveLength(40);
    // Owner names point at the question as real servers do: header, question, 40 x 16-byte A, OPT.
    expect(edns?.size).toBe(12 + 32 + 40 * 16 + 11);
    expect(edns?.reply.additionals?.map((a) => a.type)).toEqual(['OPT']);
    const small = await serve({ records: big, truncateAbove: 600 });
    const cut = await askUdp(small.udpPort, query('web.prod.svc.cluster.local', 'A', { edns: 4096 }));
    expect(cut?.reply).toMatchObject({ flag_tc: true, answers: [] });
    expect(cut?.reply.additionals?.map((a) => a.type)).toEqual(['OPT']);
  });

  it('handles several queries on one connection, split across reads', async () => {
    const s = await serve({ records });
    const stream = Buffer.concat([
      streamEncode(query('api.example.net', 'A', { id: 1 })),
      streamEncode(query('shop.prod.svc.cluster.local', 'AAAA', { id: 2 })),
      streamEncode(query('gone.example.org', 'A', { id: 3 })),
    ]);
    // Cut mid-length-prefix and mid-message: the server must reassemble.
    const chunks = [
      stream.subarray(0, 1),
      stream.subarray(1, 20),
      stream.subarray(20, 45),
      stream.subarray(45),
    ];
    const replies = await askTcp(s.tcpPort, chunks, 3);
    expect(replies.map((r) => `${r.id} ${r.rcode} ${r.answers?.length}`)).toEqual([
      '1 NOERROR 2',
      '2 NOERROR 1',
      '3 NXDOMAIN 0',
    ]);
  });

  it('ignores malformed packets on both transports and keeps serving', async () => {
    const s = await serve({ records });
    expect(await askUdp(s.udpPort, Buffer.from([1, 2, 3]), 200)).toBeUndefined();
    const junk = Buffer.from(encode(query('api.example.net', 'A')).subarray(0, 20)); // cut inside the question
    expect(await askUdp(s.udpPort, junk, 200)).toBeUndefined();
    const aResponse = encode({ ...query('api.example.net', 'A'), type: 'response' });
    expect(await askUdp(s.udpPort, aResponse, 200)).toBeUndefined();
    const frame = (b: Buffer) => Buffer.concat([Buffer.from([0, b.length]), b]);
    const tcp = await askTcp(
      s.tcpPort,
      [frame(Buffer.from('garbage!')), streamEncode(query('api.example.net', 'A'))],
      1,
    );
    expect(tcp.map((r) => r.rcode)).toEqual(['NOERROR']);
    expect((await askUdp(s.udpPort, query('api.example.net', 'A')))?.reply.rcode).toBe('NOERROR');
    expect(s.queries.map((q) => q.answered)).toEqual([
      'malformed',
      'malformed',
      'malformed',
      'malformed',
      'NOERROR',
      'NOERROR',
    ]);
  });

  it('agrees with dig, including its own fallback to TCP on a truncated answer', async () => {
    const s = await serve({ records: { ...records, ...big } });
    // dig retries a TC answer over TCP on the same port number, as resolvers do: the server takes one.
    expect(s.tcpPort).toBe(s.udpPort);
    const dig = async (...args: string[]) => {
      const options = ['+short', '+time=2', '+tries=1', '@127.0.0.1', '-p', String(s.udpPort)];
      const { stdout } = await promisify(execFile)('dig', [...options, ...args]).catch(
        (err: NodeJS.ErrnoException) => {
          if (err.code === 'ENOENT')
            throw new Error('dig not found: apt-get install -y dnsutils (.ci/run installs it)');
          throw err;
        },
      );
      return stdout.trim().split('\n').sort();
    };
    expect(await dig('api.example.net', 'A')).toEqual(['192.0.2.10', '192.0.2.11']);
    expect(await dig('+tcp', 'api.example.net', 'A')).toEqual(['192.0.2.10', '192.0.2.11']);
    expect(await dig('+noedns', 'web.prod.svc.cluster.local', 'A')).toEqual([...many].sort());
    expect(s.queries.map((q) => `${q.transport} ${q.answered}${q.truncated ? ' TC' : ''}`)).toEqual([
      'udp NOERROR',
      'tcp NOERROR',
      'udp NOERROR TC',
      'tcp NOERROR',
    ]);
  });
});

describe('address map and loopback', () => {
  it('maps a cluster address to its server and refuses anything unmapped', async () => {
    const sim = await startDnsServers({
      '10.96.0.10:53': { records },
      '[FD00::A]:53': { otherwise: 'REFUSED' },
    });
    started.push(sim);
    const udp = sim.map.resolve('10.96.0.10:53', 'udp');
    const server = sim.servers.get('10.96.0.10:53');
    expect(udp).toEqual({ host: '127.0.0.1', port: server?.udpPort });
    expect(sim.map.resolve('10.96.0.10:53', 'tcp').port).toBe(server?.tcpPort);
    expect((await askUdp(udp.port, query('api.example.net', 'A')))?.reply.rcode).toBe('NOERROR');
    const v6 = sim.map.resolve('[fd00::a]:53', 'udp');
    expect((await askUdp(v6.port, query('api.example.net', 'A')))?.reply.rcode).toBe('REFUSED');
    for (const address of ['10.96.0.11:53', '8.8.8.8:53', '10.96.0.10:5353', '10.96.0.10', 'kube-dns:53']) {
      expect(() => sim.map.resolve(address, 'udp')).toThrow(AddressNotMappedError);
    }
  });

  it('refuses endpoints and hosts off loopback, and binds every socket to 127.0.0.1', async () => {
    const map = new AddressMap();
    expect(() => map.set('10.96.0.10:53', { host: '10.0.0.5', port: 53, tcpPort: 53 })).toThrow(/loopback/);
    await expect(startDnsServer({}, { host: '0.0.0.0' })).rejects.toThrow(/loopback/);
    const s = await serve({ records });
    expect(s.host).toBe('127.0.0.1');
    // The kernel's socket tables say where each port is bound: 0100007F is 127.0.0.1.
    const bound = (table: string, port: number) =>
      readFileSync(`/proc/net/${table}`, 'utf8')
        .split('\n')
        .map((line) => line.trim().split(/\s+/)[1])
        .filter((local) => local?.endsWith(`:${port.toString(16).toUpperCase().padStart(4, '0')}`));
    expect(bound('udp', s.udpPort)).toEqual([
      `0100007F:${s.udpPort.toString(16).toUpperCase().padStart(4, '0')}`,
    ]);
    expect(bound('tcp', s.tcpPort)).toEqual([
      `0100007F:${s.tcpPort.toString(16).toUpperCase().padStart(4, '0')}`,
    ]);
  });

  it('refuses a scenario record it cannot serve, naming it', async () => {
    await expect(startDnsServer({ records: { 'a.example': { A: ['10.0.0.300'] } } })).rejects.toThrow(
      /a\.example A/,
    );
    await expect(startDnsServer({ records: { 'a.example': { MX: ['10 mx.example'] } } })).rejects.toThrow(
      /unsupported/,
    );
    await expect(startDnsServer({ dropEvery: 0 })).rejects.toThrow(/dropEvery/);
    await expect(startDnsServers({ 'not-an-address': {} })).rejects.toThrow(/ip:port/);
  });
});
