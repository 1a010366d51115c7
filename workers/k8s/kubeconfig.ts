/**
 * Kubeconfig the way kubectl users expect: `--kubeconfig` when given, else `$KUBECONFIG`,
 * `~/.kube/config`, then the in-cluster service account (client-node's `loadFromDefault`, which
 * reads `$KUBECONFIG` itself); `--context` picks a context. Problems are `ClusterAccessError`s
 * with a message a person can act on, raised before any request is made.
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { ClusterAccessError } from './errors.js';

export interface KubeConfigOptions {
  /** `--kubeconfig`: a file path. */
  kubeconfig?: string;
  /** `--context`: a context name in that kubeconfig. */
  context?: string;
}

/** What client-node falls back to when it finds no configuration at all. */
const NOTHING_FOUND_SERVER = 'http://localhost:8080';

function readError(path: string, err: unknown): ClusterAccessError {
  const code = (err as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EACCES'
        ? 'permission denied'
        : code === 'EISDIR'
          ? 'it is a directory'
          : (code ?? String(err));
  return new ClusterAccessError('kubeconfig-unreadable', `cannot read kubeconfig ${path}: ${why}`);
}

function invalid(source: string, err: unknown): ClusterAccessError {
  const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
  return new ClusterAccessError('kubeconfig-invalid', `kubeconfig ${source} is not valid: ${message}`);
}

function loadFile(kc: KubeConfig, path: string): void {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw readError(path, err);
  }
  try {
    kc.loadFromString(text);
  } catch (err) {
    throw invalid(path, err);
  }
  kc.makePathsAbsolute(dirname(path));
}

function loadDefault(kc: KubeConfig): void {
  try {
    kc.loadFromDefault();
  } catch (err) {
    const path = (err as NodeJS.ErrnoException).path;
    throw path ? readError(path, err) : invalid('from $KUBECONFIG or ~/.kube/config', err);
  }
  const cluster = kc.getCurrentCluster();
  if (kc.currentContext === 'loaded-context' && cluster?.server === NOTHING_FOUND_SERVER)
    throw new ClusterAccessError(
      'kubeconfig-missing',
      'no kubeconfig found: set $KUBECONFIG, create ~/.kube/config, give --kubeconfig, or run inside a cluster',
    );
}

/**
 * A plain-HTTP server has no certificate to verify; client-node nevertheless refuses http unless
 * the cluster says skipTLSVerify. kubectl talks to such servers, so we do too.
 */
function allowPlainHttp(kc: KubeConfig): void {
  kc.clusters = kc.clusters.map((c) => (c.server.startsWith('http:') ? { ...c, skipTLSVerify: true } : c));
}

/** The loaded configuration, with its current context checked. Only the k8s adapter uses it. */
export function loadKubeConfig(options: KubeConfigOptions): KubeConfig {
  const kc = new KubeConfig();
  const source = options.kubeconfig ?? 'from $KUBECONFIG or ~/.kube/config';
  if (options.kubeconfig !== undefined) loadFile(kc, options.kubeconfig);
  else loadDefault(kc);

  if (options.context !== undefined) {
    if (!kc.getContextObject(options.context)) {
      const known = kc.getContexts().map((c) => c.name);
      const list = known.length > 0 ? `known contexts: ${known.join(', ')}` : 'it has no contexts';
      throw new ClusterAccessError(
        'context-unknown',
        `context "${options.context}" not found in kubeconfig ${source} (${list})`,
      );
    }
    kc.setCurrentContext(options.context);
  }
  if (!kc.currentContext)
    throw new ClusterAccessError(
      'kubeconfig-invalid',
      `kubeconfig ${source} has no current context: give --context`,
    );
  const context = kc.getContextObject(kc.currentContext);
  if (!context)
    throw new ClusterAccessError(
      'context-unknown',
      `kubeconfig ${source} names current context "${kc.currentContext}", which it does not define`,
    );
  const cluster = kc.getCluster(context.cluster);
  if (!cluster?.server)
    throw new ClusterAccessError(
      'kubeconfig-invalid',
      `kubeconfig ${source}: context "${context.name}" names cluster "${context.cluster}", which has no server`,
    );
  allowPlainHttp(kc);
  return kc;
}

/** The cluster name of the current context, for the report's header. */
export function currentClusterName(kc: KubeConfig): string | undefined {
  return kc.getCurrentCluster()?.name;
}
