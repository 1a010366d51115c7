import { isIP } from 'node:net';
import { domainProblem } from '../../playbooks/input.js';

/**
 * Checks for what a user or a probe spec hands the prober, pure and with messages that say what
 * is wrong. Names reuse the CLI's rules so `check <domain>` and a probe spec agree.
 */

/** Where a query goes: an IP literal (never a host name: resolving it would need DNS) and a port. */
export interface ServerAddress {
  host: string;
  port: number;
}

export const MIN_COUNT = 1;
export const MAX_COUNT = 1000;
export const MIN_TIMEOUT_MS = 10;
export const MAX_TIMEOUT_MS = 30_000;

/** A name to query: labels of 1-63, 253 in all, ASCII (IDNA form for the rest). */
export function nameProblem(name: string): string | undefined {
  return domainProblem(name);
}

/**
 * `IP` or `IP:port`, IPv6 as `[v6]:port` or a bare `v6` (then the port is the default). Returns
 * the address, or an error message.
 */
export function parseServer(text: string, defaultPort = 53): ServerAddress | string {
  const trimmed = text.trim();
  if (trimmed === '') return 'the server address is empty';
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(trimmed);
  if (bracketed !== null) {
    const host = bracketed[1] ?? '';
    if (isIP(host) !== 6)
      return `server ${JSON.stringify(text)}: ${JSON.stringify(host)} is not an IPv6 address`;
    return withPort(text, host, bracketed[2] ?? String(defaultPort));
  }
  if (isIP(trimmed) !== 0) return { host: trimmed, port: defaultPort };
  const colon = trimmed.lastIndexOf(':');
  if (colon < 0 || trimmed.indexOf(':') !== colon) {
    return `server ${JSON.stringify(text)} is not an IP address (give IP, IP:port or [IPv6]:port; host names are not resolved)`;
  }
  const host = trimmed.slice(0, colon);
  if (isIP(host) !== 4)
    return `server ${JSON.stringify(text)}: ${JSON.stringify(host)} is not an IPv4 address`;
  return withPort(text, host, trimmed.slice(colon + 1));
}

function withPort(text: string, host: string, port: string): ServerAddress | string {
  if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
    return `server ${JSON.stringify(text)}: port ${JSON.stringify(port)} must be a number from 1 to 65535`;
  }
  return { host, port: Number(port) };
}

/** The same checks for an address already split, as probe specs carry it. */
export function serverProblem(server: ServerAddress): string | undefined {
  if (isIP(server.host) === 0) return `server ${JSON.stringify(server.host)} is not an IP address`;
  if (!Number.isInteger(server.port) || server.port < 1 || server.port > 65535) {
    return `server port ${server.port} must be an integer from 1 to 65535`;
  }
  return undefined;
}

/** `10.96.0.10:53`, `[fd00::a]:53`: the form evidence and the address map use. */
export function formatServer(server: ServerAddress): string {
  return isIP(server.host) === 6 ? `[${server.host}]:${server.port}` : `${server.host}:${server.port}`;
}

export function countProblem(count: number): string | undefined {
  if (!Number.isInteger(count) || count < MIN_COUNT || count > MAX_COUNT) {
    return `count ${count} must be a whole number from ${MIN_COUNT} to ${MAX_COUNT}`;
  }
  return undefined;
}

export function timeoutProblem(ms: number): string | undefined {
  if (!Number.isFinite(ms) || ms < MIN_TIMEOUT_MS || ms > MAX_TIMEOUT_MS) {
    return `timeout ${ms} ms must be from ${MIN_TIMEOUT_MS} ms to ${MAX_TIMEOUT_MS / 1000} s`;
  }
  return undefined;
}

/** Bad input here is the caller's bug (the CLI validates first): thrown, with the message above. */
export function assertValid(problem: string | undefined): void {
  if (problem !== undefined) throw new RangeError(problem);
}
