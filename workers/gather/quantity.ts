/**
 * Kubernetes resource quantities (`95m`, `250000n`, `0.5`, `170Mi`, `1G`, `1e3`) as numbers:
 * CPU in millicores, memory in bytes. Undefined for anything that is not a quantity.
 */
const SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?)$/;

/** The quantity in base units (cores, bytes). */
export function parseQuantity(q: string | undefined): number | undefined {
  const m = q === undefined ? null : QUANTITY.exec(q.trim());
  if (!m) return undefined;
  const [, number = '', exponent, suffix = ''] = m;
  const value = Number(number) * (exponent ? 10 ** Number(exponent.slice(1)) : (SUFFIX[suffix] ?? 1));
  return Number.isFinite(value) ? value : undefined;
}

export function cpuMillis(q: string | undefined): number | undefined {
  const cores = parseQuantity(q);
  return cores === undefined ? undefined : Math.round(cores * 1e6) / 1e3;
}

export function memoryBytes(q: string | undefined): number | undefined {
  const bytes = parseQuantity(q);
  return bytes === undefined ? undefined : Math.round(bytes);
}
