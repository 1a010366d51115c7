import { describe, expect, it } from 'vitest';
import {
  apiErrorReason,
  ClusterApiError,
  describeOperation,
  type Operation,
  unseenFromApiError,
} from '../../workers/k8s/errors.js';
import { plain, statusMessage } from '../../workers/k8s/transport.js';

const LOG: Operation = {
  verb: 'get',
  resource: 'pods/log',
  apiGroup: '',
  namespace: 'kube-system',
  name: 'coredns-1',
};
const NODES: Operation = { verb: 'get', resource: 'nodes', apiGroup: '', name: 'node-a' };
const SLICES: Operation = {
  verb: 'list',
  resource: 'endpointslices',
  apiGroup: 'discovery.k8s.io',
  namespace: 'kube-system',
};

describe('API error mapping', () => {
  it('turns a 403 into unseen evidence with the exact rule', () => {
    const g = unseenFromApiError(new ClusterApiError('forbidden', LOG, 'API server answered 403: ...', 403));
    expect(g).toEqual({
      ok: false,
      reason: '403 Forbidden: not allowed to get pods/log (API group core) in namespace kube-system',
      missingRule: { verb: 'get', resource: 'pods/log', apiGroup: '', namespace: 'kube-system' },
    });
  });

  it('names a cluster-scoped rule without a namespace', () => {
    const g = unseenFromApiError(new ClusterApiError('forbidden', NODES, 'x', 403));
    expect(g).toMatchObject({ missingRule: { verb: 'get', resource: 'nodes', apiGroup: '' } });
    expect(g.ok === false && g.missingRule && 'namespace' in g.missingRule).toBe(false);
  });

  it.each([
    [new ClusterApiError('not-found', NODES, 'x', 404), 'get nodes node-a: not found (404)'],
    [
      new ClusterApiError('server-error', SLICES, 'API server answered 500: etcd timed out', 500),
      'list endpointslices.discovery.k8s.io in kube-system: API server answered 500: etcd timed out',
    ],
    [new ClusterApiError('deadline', SLICES, 'deadline of 800 ms reached'), 'deadline of 800 ms reached'],
    [
      new ClusterApiError('unreachable', SLICES, 'cannot reach the API server: ECONNREFUSED'),
      'cannot reach the API server: ECONNREFUSED',
    ],
  ])('%s -> %s', (err, reason) => {
    expect(apiErrorReason(err)).toBe(reason);
    expect(unseenFromApiError(err)).toEqual({ ok: false, reason });
  });

  it('describes operations the way RBAC names them', () => {
    expect(describeOperation(LOG)).toBe('get pods/log coredns-1 in kube-system');
    expect(describeOperation(SLICES)).toBe('list endpointslices.discovery.k8s.io in kube-system');
  });

  it.each([
    ['{"kind":"Status","message":"pods \\"x\\" not found"}', 'pods "x" not found'],
    [Buffer.from('{"message":"etcd down"}'), 'etcd down'],
    [{ message: 'as object' }, 'as object'],
    ['plain text body\n', 'plain text body'],
    ['', undefined],
    [undefined, undefined],
  ])('reads the message of a Status body %o', (body, message) => {
    expect(statusMessage(body)).toBe(message);
  });

  it('turns client model objects back into API JSON', () => {
    const model = {
      metadata: { name: 'a', creationTimestamp: new Date('2024-08-20T10:00:00Z') },
      spec: undefined,
    };
    expect(plain(model)).toEqual({ metadata: { name: 'a', creationTimestamp: '2024-08-20T10:00:00.000Z' } });
  });
});
