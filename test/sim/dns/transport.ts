import { createSocket, type Socket as DgramSocket, type RemoteInfo } from 'node:dgram';
import { once } from 'node:events';
import { type AddressInfo, createServer, isIPv6, type Server, type Socket } from 'node:net';

/** One DNS message received: its bytes, `ip:port` of the sender, and how to send bytes back. */
export type OnMessage = (message: Buffer, source: string, reply: (bytes: Buffer) => void) => void;

export interface Listeners {
  udpPort: number;
  tcpPort: number;
  close(): Promise<void>;
}

/** A TCP client idle this long is dropped, so a stuck test client cannot keep the server open. */
const TCP_IDLE_MS = 30_000;
/** Tries at getting the same port number for UDP and TCP before settling for two. */
const SAME_PORT_ATTEMPTS = 5;

/**
 * Listens for DNS over UDP and TCP on `host`, each on a free port. TCP takes the UDP port number
 * when it can, so clients that retry a truncated answer over TCP on the same port (dig, real
 * resolvers) behave as against a real server; the address map still records both ports.
 */
export async function listenDns(host: string, onUdp: OnMessage, onTcp: OnMessage): Promise<Listeners> {
  const connections = new Set<Socket>();
  const tcp = createServer((conn) => serveTcpConnection(conn, connections, onTcp));
  let udp: DgramSocket | undefined;
  for (let attempt = 1; udp === undefined; attempt++) {
    const candidate = await bindUdp(host, onUdp);
    const port = (candidate.address() as AddressInfo).port;
    try {
      await listen(tcp, host, port);
      udp = candidate;
    } catch (err) {
      candidate.close();
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      if (attempt === SAME_PORT_ATTEMPTS) {
        udp = await bindUdp(host, onUdp);
        await listen(tcp, host, 0);
      }
    }
  }
  const bound = udp;
  return {
    udpPort: bound.address().port,
    tcpPort: (tcp.address() as AddressInfo).port,
    async close() {
      for (const conn of connections) conn.destroy();
      await Promise.all([
        new Promise<void>((resolve) => bound.close(() => resolve())),
        new Promise<void>((resolve) => tcp.close(() => resolve())),
      ]);
    },
  };
}

async function bindUdp(host: string, onUdp: OnMessage): Promise<DgramSocket> {
  const socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4' });
  socket.on('message', (msg: Buffer, from: RemoteInfo) => {
    // Send errors (the client went away) are ignored: the query log already has the query.
    onUdp(msg, `${from.address}:${from.port}`, (bytes) =>
      socket.send(bytes, from.port, from.address, () => {}),
    );
  });
  socket.bind({ port: 0, address: host });
  await once(socket, 'listening');
  // After a successful bind, socket errors must not crash the simulator.
  socket.on('error', () => {});
  return socket;
}

async function listen(server: Server, host: string, port: number): Promise<void> {
  server.listen({ port, host });
  await once(server, 'listening');
}

/**
 * Messages are 2-byte length framed (RFC 7766), may arrive split or several per chunk, and are
 * answered on the same connection. Complete ones are consumed at once, so the buffer never holds
 * more than one partial message (< 64 KiB) plus the last chunk.
 */
function serveTcpConnection(conn: Socket, connections: Set<Socket>, onTcp: OnMessage): void {
  connections.add(conn);
  conn.on('close', () => connections.delete(conn));
  conn.on('error', () => {});
  conn.setTimeout(TCP_IDLE_MS, () => conn.destroy());
  const source = `${conn.remoteAddress}:${conn.remotePort}`;
  const reply = (bytes: Buffer) => {
    if (!conn.destroyed) conn.write(bytes);
  };
  let pending: Buffer = Buffer.alloc(0);
  conn.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 2) {
      const length = pending.readUInt16BE(0);
      if (pending.length < 2 + length) break;
      const message = pending.subarray(2, 2 + length);
      pending = pending.subarray(2 + length);
      onTcp(message, source, reply);
    }
  });
}
