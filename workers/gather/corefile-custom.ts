/**
 * AKS and k3s keep Corefile additions in a `coredns-custom` ConfigMap mounted at
 * /etc/coredns/custom and pulled in by `import custom/*.override` (directives pasted into the server
 * block) and `import custom/*.server` (whole server blocks). Checks must see what CoreDNS runs, so
 * those files are spliced into the parsed Corefile. Their text is appended to the evidence text
 * under a `# <configmap>/<key>` header and spliced directives keep line numbers into that combined
 * text: a line number always points at the line shown.
 */
import type { CorefileEvidence } from '../../playbooks/model/evidence.js';
import type { Pod } from '../../playbooks/model/k8s.js';
import { parseCorefile, parseCorefileFragment } from '../../playbooks/parsers/corefile.js';
import type { Directive, ServerBlock } from '../../playbooks/parsers/corefile-types.js';
import type { GatherContext } from './context.js';
import { dnsContainer } from './dns-service.js';

/** The pod fields the model leaves out: where each volume is mounted. */
interface MountingSpec {
  containers?: { name: string; args?: string[]; volumeMounts?: { name: string; mountPath: string }[] }[];
  volumes?: { name: string; configMap?: { name?: string } }[];
}

const trimSlash = (p: string) => p.replace(/\/+$/, '');

/** The directory CoreDNS resolves relative imports against: that of `-conf`, else /etc/coredns. */
function confDir(args: string[] | undefined): string {
  const i = (args ?? []).findIndex((a) => a === '-conf' || a === '--conf');
  const conf = i >= 0 ? args?.[i + 1] : undefined;
  return conf?.includes('/') ? conf.slice(0, conf.lastIndexOf('/')) : '/etc/coredns';
}

/** The ConfigMap mounted where `glob`'s directory is, with the file-name pattern to match keys by. */
export interface CustomMount {
  configMap: string;
  /** Where it is mounted, `/etc/coredns/custom`. */
  dir: string;
  /** The Corefile's directory, which relative imports start from. */
  confDir: string;
}

/** The ConfigMap the DNS container mounts at `<conf dir>/custom` (or wherever a glob points). */
export function customMount(pods: readonly Pod[], globs: readonly string[]): CustomMount | undefined {
  for (const pod of pods) {
    const spec = pod.spec as MountingSpec;
    const name = dnsContainer(pod);
    const container = spec.containers?.find((c) => c.name === name);
    const base = confDir(container?.args);
    const dirs = new Set(globs.map((g) => globDir(g, base)));
    for (const m of container?.volumeMounts ?? []) {
      if (!dirs.has(trimSlash(m.mountPath))) continue;
      const cm = spec.volumes?.find((v) => v.name === m.name)?.configMap?.name;
      if (cm) return { configMap: cm, dir: trimSlash(m.mountPath), confDir: base };
    }
  }
  return undefined;
}

/** The absolute directory of an import glob: `custom/*.override` under /etc/coredns. */
function globDir(glob: string, base: string): string {
  const abs = glob.startsWith('/') ? glob : `${base}/${glob}`;
  return trimSlash(abs.slice(0, Math.max(0, abs.lastIndexOf('/'))));
}

/** Import globs that name files in a `custom` directory. */
export function customGlobs(imports: readonly string[]): string[] {
  return imports.filter((i) => /(^|\/)custom\/[^/]*\.(override|server)$/.test(i));
}

/** The ConfigMap keys a glob's file pattern matches, in the lexical order CoreDNS globs them. */
function keysFor(glob: string, keys: readonly string[]): string[] {
  const pattern = glob.slice(glob.lastIndexOf('/') + 1);
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '[^/]*')
      .replace(/\?/g, '[^/]')}$`,
  );
  return keys.filter((k) => re.test(k)).sort();
}

function shifted(d: Directive, by: number): Directive {
  return { ...d, line: d.line + by, block: d.block.map((b) => shifted(b, by)) };
}

/** Splice `data` (the custom ConfigMap's files) into `base`, returning the combined evidence. */
export function spliceCustom(
  base: CorefileEvidence,
  configMap: string,
  data: Record<string, string>,
  mount: Pick<CustomMount, 'dir' | 'confDir'>,
): CorefileEvidence {
  const keys = Object.keys(data);
  const inDir = (glob: string) => globDir(glob, mount.confDir) === mount.dir;
  const used = new Set<string>();
  for (const glob of customGlobs(base.parsed.imports).filter(inDir))
    for (const k of keysFor(glob, keys)) used.add(k);
  if (used.size === 0) return base;

  // Each file's lines follow the main text: its line 1 is `offset + 1` in the combined text.
  let text = base.text.endsWith('\n') ? base.text : `${base.text}\n`;
  const offsets = new Map<string, number>();
  for (const key of [...used].sort()) {
    text += `# ${configMap}/${key}\n`;
    offsets.set(key, text.split('\n').length - 1);
    const body = data[key] ?? '';
    text += body.endsWith('\n') ? body : `${body}\n`;
  }
  const at = (key: string) => offsets.get(key) ?? 0;
  const problems = [...base.parsed.problems];
  const imports = [...base.parsed.imports];

  // Parsed once per key however many server blocks import it, so its problems are listed once.
  const fragments = new Map<string, Directive[]>();
  const fragment = (key: string): Directive[] => {
    let directives = fragments.get(key);
    if (!directives) {
      const frag = parseCorefileFragment(data[key] ?? '');
      problems.push(...frag.problems.map((p) => ({ line: p.line + at(key), text: `${key}: ${p.text}` })));
      imports.push(...frag.imports);
      directives = frag.directives.map((x) => shifted(x, at(key)));
      fragments.set(key, directives);
    }
    return directives;
  };
  const servers: ServerBlock[] = base.parsed.servers.map((s) => ({
    ...s,
    directives: s.directives.flatMap((d) => {
      const glob = d.name === 'import' ? d.args[0] : undefined;
      if (!glob || d.args.length !== 1 || !inDir(glob) || !glob.endsWith('.override')) return [d];
      const pasted = keysFor(glob, keys).flatMap(fragment);
      // The import line stays: checks read it to send edits to the custom ConfigMap.
      return [d, ...pasted];
    }),
  }));
  for (const glob of customGlobs(base.parsed.imports).filter((g) => inDir(g) && g.endsWith('.server'))) {
    for (const key of keysFor(glob, keys)) {
      const file = parseCorefile(data[key] ?? '');
      const by = at(key);
      problems.push(...file.problems.map((p) => ({ line: p.line + by, text: `${key}: ${p.text}` })));
      imports.push(...file.imports);
      servers.push(
        ...file.servers.map((s) => ({
          ...s,
          line: s.line + by,
          directives: s.directives.map((d) => shifted(d, by)),
        })),
      );
    }
  }
  return { ...base, text, parsed: { ...base.parsed, servers, imports, problems } };
}

/** Read the custom ConfigMap (one GET) and splice it; any failure leaves the Corefile as it was. */
export async function withCustom(
  ctx: GatherContext,
  namespace: string,
  pods: readonly Pod[],
  base: CorefileEvidence,
): Promise<CorefileEvidence> {
  const globs = customGlobs(base.parsed.imports);
  if (globs.length === 0) return base;
  const mount = customMount(pods, globs);
  if (!mount) return base;
  let data: Record<string, string>;
  try {
    data = (await ctx.reader.getConfigMap(namespace, mount.configMap)).data ?? {};
  } catch {
    // Missing (optional on AKS) or not readable: the main Corefile is still what it is.
    return base;
  }
  return spliceCustom(base, `${namespace}/${mount.configMap}`, data, mount);
}
