import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ClusterAccessError } from '../../workers/k8s/errors.js';
import { loadKubeConfig } from '../../workers/k8s/kubeconfig.js';

const CONFIG = `apiVersion: v1
kind: Config
clusters:
- name: lab
  cluster: { server: 'http://127.0.0.1:6443' }
- name: prod
  cluster: { server: 'https://10.0.0.1:6443' }
users:
- name: me
  user: { token: abc }
contexts:
- name: lab
  context: { cluster: lab, user: me }
- name: prod
  context: { cluster: prod, user: me }
current-context: lab
`;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dnsmedic-kubeconfig-'));
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

function error(fn: () => unknown): ClusterAccessError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ClusterAccessError) return err;
    throw err;
  }
  throw new Error('expected a ClusterAccessError');
}

describe('loadKubeConfig', () => {
  it('loads --kubeconfig and picks --context', async () => {
    const path = await file('config', CONFIG);
    expect(loadKubeConfig({ kubeconfig: path }).getCurrentCluster()?.name).toBe('lab');
    expect(loadKubeConfig({ kubeconfig: path, context: 'prod' }).getCurrentCluster()?.server).toBe(
      'https://10.0.0.1:6443',
    );
  });

  it('lets a plain-HTTP server be used without TLS settings, as kubectl does', async () => {
    const kc = loadKubeConfig({ kubeconfig: await file('config', CONFIG) });
    expect(kc.getCurrentCluster()?.skipTLSVerify).toBe(true);
    expect(kc.getCluster('prod')?.skipTLSVerify).toBeFalsy();
  });

  it('reads $KUBECONFIG when no --kubeconfig is given', async () => {
    vi.stubEnv(
      'KUBECONFIG',
      await file('from-env', CONFIG.replace('current-context: lab', 'current-context: prod')),
    );
    expect(loadKubeConfig({}).getCurrentCluster()?.name).toBe('prod');
  });

  it('names a missing file', () => {
    const path = join(dir, 'nope');
    const err = error(() => loadKubeConfig({ kubeconfig: path }));
    expect(err.code).toBe('kubeconfig-unreadable');
    expect(err.message).toBe(`cannot read kubeconfig ${path}: no such file`);
  });

  it('names a missing file given by $KUBECONFIG', () => {
    vi.stubEnv('KUBECONFIG', join(dir, 'gone'));
    const err = error(() => loadKubeConfig({}));
    expect(err.code).toBe('kubeconfig-unreadable');
    expect(err.message).toContain(join(dir, 'gone'));
  });

  it('names a directory given as the file', () => {
    expect(error(() => loadKubeConfig({ kubeconfig: dir })).message).toBe(
      `cannot read kubeconfig ${dir}: it is a directory`,
    );
  });

  it('rejects text that is not a kubeconfig', async () => {
    const path = await file('bad', 'clusters: [ {name: x, cluster: {}} ]\n');
    const err = error(() => loadKubeConfig({ kubeconfig: path }));
    expect(err.code).toBe('kubeconfig-invalid');
    expect(err.message).toContain(`kubeconfig ${path} is not valid`);
  });

  it('lists the known contexts when --context names none of them', async () => {
    const path = await file('config', CONFIG);
    const err = error(() => loadKubeConfig({ kubeconfig: path, context: 'staging' }));
    expect(err.code).toBe('context-unknown');
    expect(err.message).toBe(`context "staging" not found in kubeconfig ${path} (known contexts: lab, prod)`);
  });

  it('asks for --context when the file has no current context', async () => {
    const path = await file('config', CONFIG.replace('current-context: lab\n', ''));
    const err = error(() => loadKubeConfig({ kubeconfig: path }));
    expect(err.code).toBe('kubeconfig-invalid');
    expect(err.message).toContain('give --context');
  });
});
