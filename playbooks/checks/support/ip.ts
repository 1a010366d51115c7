/** Addresses: DNS server strings (`10.96.0.10:53`, `[fd00::a]:53`), IP parsing and CIDR ranges. */

/** `{ host: '10.0.0.2', port: '53' }` from `10.0.0.2:53`, `[fd00::5]:53` or a bare address. */
export function splitServer(server: string): { host: string; port: string } {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(server);
  if (v6) return { host: v6[1] ?? server, port: v6[2] ?? '53' };
  const m = /^([^:]+):(\d+)$/.exec(server);
  return m ? { host: m[1] ?? server, port: m[2] ?? '53' } : { host: server, port: '53' };
}

/** `10.96.0.10` from `10.96.0.10:53`, `fd00::a` from `[fd00::a]:53`. */
export function hostOf(server: string): string {
  return splitServer(server).host;
}

/** An IP address as a number with its width, or undefined when it does not parse. */
function parseIp(ip: string): { bits: number; value: bigint } | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) {
    const octets = ip.split('.').map(Number);
    if (octets.some((o) => o > 255)) return undefined;
    return { bits: 32, value: octets.reduce((acc, o) => (acc << 8n) | BigInt(o), 0n) };
  }
  if (!ip.includes(':')) return undefined;
  let text = ip.split('%')[0] ?? ip;
  const v4 = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (v4?.[1]) {
    const tail = parseIp(v4[1]);
    if (!tail) return undefined;
    text = `${text.slice(0, -v4[1].length)}${(tail.value >> 16n).toString(16)}:${(tail.value & 0xffffn).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return undefined;
  const groups = [...head, ...Array<string>(missing).fill('0'), ...tail];
  if (groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  return { bits: 128, value: groups.reduce((acc, g) => (acc << 16n) | BigInt(`0x${g}`), 0n) };
}

/** Whether `text` is a plain IPv4 or IPv6 address (no zone, no port): safe to paste into a command. */
export function isIp(text: string | undefined): text is string {
  return !!text && /^[0-9a-fA-F.:]+$/.test(text) && parseIp(text) !== undefined;
}

export function isIpv4(text: string | undefined): text is string {
  return isIp(text) && parseIp(text)?.bits === 32;
}

/** Whether `cidr` (`10.0.0.0/8`, `fd00::/64`, a bare address) contains `ip`. False when either is unreadable. */
export function cidrContains(cidr: string, ip: string): boolean {
  const [base = '', prefixText] = cidr.split('/');
  const net = parseIp(base);
  const addr = parseIp(ip);
  if (!net || !addr || net.bits !== addr.bits) return false;
  const prefix = prefixText === undefined ? net.bits : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > net.bits) return false;
  const shift = BigInt(net.bits - prefix);
  return net.value >> shift === addr.value >> shift;
}
