/**
 * Writes a synthetic CoreDNS log mixing every format era (1.2.5 CLF, 1.2.6-1.6.2 ISO prefix,
 * 1.6.3+ bare), with and without `kubectl logs --timestamps` prefixes, query and error lines,
 * and a large number of distinct names. Deterministic (seeded), streamed to disk.
 */

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

const ERROR_LINES = [
  '[ERROR] plugin/errors: 2 api.example.net. A: read udp 10.8.0.12:51733->192.0.2.53:53: i/o timeout',
  '[ERROR] plugin/errors: 2 1234567890.987654321. HINFO: read udp 10.8.0.12:48557->192.0.2.53:53: i/o timeout',
  '[ERROR] plugin/kubernetes: pkg/mod/k8s.io/client-go@v0.27.4/tools/cache/reflector.go:231: Failed to watch *v1.EndpointSlice: failed to list *v1.EndpointSlice: Get "https://10.96.0.1:443/apis/discovery.k8s.io/v1/endpointslices?limit=500": dial tcp 10.96.0.1:443: connect: connection refused',
  '[INFO] plugin/reload: Running configuration SHA512 = 9f0c1d',
  'E0612 03:15:09.297602       1 reflector.go:178] pkg/mod/k8s.io/client-go@v0.18.3/tools/cache/reflector.go:125: Failed to list *v1.Service: Get "https://10.96.0.1:443/api/v1/services?limit=500&resourceVersion=0": dial tcp 10.96.0.1:443: connect: connection refused',
];

/**
 * `failingExternal`: every external name answers NXDOMAIN, so the failing-name table sees as many
 * distinct names as the log has (the memory-bound case); otherwise 2% of answers fail.
 */
export async function generateCorednsLog(
  path: string,
  lines: number,
  distinctNames = 120_000,
  failingExternal = false,
): Promise<number> {
  const rand = rng(42);
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  let bytes = 0;
  let batch = '';
  const base = Date.UTC(2026, 10, 26, 9, 0, 0);
  for (let i = 0; i < lines; i++) {
    const t = new Date(base + i * 3).toISOString();
    const kubectl = rand() < 0.5 ? `${t.slice(0, 23)}456789Z ` : '';
    const r = rand();
    let line: string;
    if (r < 0.03) {
      line = ERROR_LINES[Math.floor(rand() * ERROR_LINES.length)] ?? '';
    } else {
      const n = Math.floor(rand() * distinctNames);
      const kind = rand();
      const name =
        kind < 0.45
          ? `svc-${n}.shop.svc.cluster.local.`
          : kind < 0.7
            ? `host-${n}.example.com.shop.svc.cluster.local.`
            : `host-${n}.example.com.`;
      const rcode =
        (kind >= 0.45 && kind < 0.7) || (failingExternal && kind >= 0.7)
          ? 'NXDOMAIN'
          : rand() < 0.02
            ? 'SERVFAIL'
            : 'NOERROR';
      const flags = kind < 0.7 ? 'qr,aa,rd' : 'qr,rd,ra';
      const q = `"A IN ${name} udp 49 false 512" ${rcode} ${flags} 92 0.000141s`;
      const era = rand();
      line =
        era < 0.1
          ? `10.8.1.7:41022 - [26/Nov/2026:09:00:00 +0000] ${i & 65535} ${q}`
          : era < 0.3
            ? `${t} [INFO] 10.8.1.7:41022 - ${i & 65535} ${q}`
            : `[INFO] 10.8.1.7:41022 - ${i & 65535} ${q}`;
    }
    batch += `${kubectl}${line}\n`;
    if (batch.length > 1 << 20) {
      bytes += batch.length;
      if (!out.write(batch)) await once(out, 'drain');
      batch = '';
    }
  }
  bytes += batch.length;
  out.end(batch);
  await once(out, 'finish');
  return bytes;
}
