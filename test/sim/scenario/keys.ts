/**
 * The key forms of a scenario file (`ns/pod/container`, `ip:port`) and the "did you mean" that
 * turns a typo into a one-line fix.
 */
import { isIP } from 'node:net';

/** Kubernetes names: a DNS-1123 label (namespaces, containers) and subdomain (most objects). */
export const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** `ns/pod/container`, `ns/pod/container@previous`, `ns/pod`: parsed, or undefined when malformed. */
export function parsePodKey(key: string, parts: 2 | 3, previous = false) {
  const m = /^([^/@]+)\/([^/@]+)(?:\/([^/@]+))?(@previous)?$/.exec(key);
  if (!m || (parts === 3) !== (m[3] !== undefined) || (m[4] !== undefined && !previous)) return undefined;
  const [, namespace = '', pod = '', container] = m;
  if (!LABEL.test(namespace) || !SUBDOMAIN.test(pod) || (container !== undefined && !LABEL.test(container)))
    return undefined;
  return { namespace, pod, container, previous: m[4] !== undefined };
}

/** `10.96.0.10:53` or `[fd00::10]:53`. */
export function parseAddress(key: string): { ip: string; port: number } | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|(\d+\.\d+\.\d+\.\d+)):(\d{1,5})$/.exec(key);
  const ip = m?.[1] ?? m?.[2];
  const port = Number(m?.[3]);
  if (!ip || isIP(ip) === 0 || port < 1 || port > 65535) return undefined;
  return { ip, port };
}

/** The candidate nearest to a typo (edit distance at most a third of its length, or the one it begins), for "did you mean". */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = distance(word, c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  const extending = candidates.filter((c) => word.length >= 3 && c.startsWith(word));
  return best ?? (extending.length === 1 ? extending[0] : undefined);
}

function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++)
      next[j] = Math.min(
        (row[j] ?? 0) + 1,
        (next[j - 1] ?? 0) + 1,
        (row[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    row = next;
  }
  return row[b.length] ?? 0;
}
