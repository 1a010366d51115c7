import { afterEach, describe, expect, it } from 'vitest';
import { evaluateQuery, type SimPrometheus, startPrometheus } from './prometheus.js';
import type { Scenario } from './scenario/types.js';

function scenario(): Scenario {
  const node = (name: string, ip: string) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
    status: {
      addresses: [
        { type: 'Hostname', address: name },
        { type: 'InternalIP', address: ip },
      ],
    },
  });
  return {
    name: 'prometheus-test',
    description: 'node facts for the Prometheus stand-in',
    style: 'kubeadm',
    cluster: { name: 'sim-test', version: 'v1.30.2' },
    now: '2024-05-01T11:00:30Z',
    target: { namespace: 'shop', pod: 'web-1' },
    expect: { verdict: 'dns.healthy', findings: [], absent: [] },
    objects: [node('node-a', '10.0.0.1'), node('node-b', '10.0.0.2')],
    logs: {},
    metrics: { pods: {}, nodes: {} },
    nodeFacts: {
      'node-a': { conntrackEntries: 131000, conntrackMax: 131072, cpuBusy: 0.93, tcpRetransPerSec: 12.5 },
      'node-b': { conntrackEntries: 2000, conntrackMax: 131072 },
    },
    exec: {},
    dns: {},
    faults: { latencyMs: 0, rules: [] },
    kubelet: { nodes: {} },
    probePods: {},
    network: { refused: [] },
  };
}

let prometheus: SimPrometheus | undefined;
afterEach(async () => {
  await prometheus?.close();
  prometheus = undefined;
});

async function query(text: string, method: 'GET' | 'POST' = 'GET') {
  prometheus ??= await startPrometheus(scenario());
  const params = new URLSearchParams({ query: text });
  const res =
    method === 'GET'
      ? await fetch(`${prometheus.url}/api/v1/query?${params}`)
      : await fetch(`${prometheus.url}/api/v1/query`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: params,
        });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('Prometheus stand-in', () => {
  it('answers the conntrack limit as an instant vector per node, at the scenario now', async () => {
    const { status, body } = await query('node_nf_conntrack_entries_limit');
    expect(status).toBe(200);
    expect(body).toEqual({
      status: 'success',
      data: {
        resultType: 'vector',
        result: [
          {
            metric: { instance: '10.0.0.1:9100', node: 'node-a', job: 'node-exporter' },
            value: [Date.parse('2024-05-01T11:00:30Z') / 1000, '131072'],
          },
          {
            metric: { instance: '10.0.0.2:9100', node: 'node-b', job: 'node-exporter' },
            value: [Date.parse('2024-05-01T11:00:30Z') / 1000, '131072'],
          },
        ],
      },
    });
  });

  it.each([
    [
      'node_nf_conntrack_entries',
      [
        ['node-a', '131000'],
        ['node-b', '2000'],
      ],
    ],
    ['1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m]))', [['node-a', '0.93']]],
    ['rate(node_netstat_Tcp_RetransSegs[5m])', [['node-a', '12.5']]],
    [
      'node_nf_conntrack_entries / node_nf_conntrack_entries_limit',
      [
        ['node-a', String(131000 / 131072)],
        ['node-b', String(2000 / 131072)],
      ],
    ],
    ['node_nf_conntrack_entries{node="node-b"}', [['node-b', '2000']]],
    ['node_nf_conntrack_entries{instance=~"10\\\\.0\\\\.0\\\\.1:.*"}', [['node-a', '131000']]],
  ])('evaluates %s from the node facts (POST form too)', async (text, expected) => {
    const { body } = await query(text, 'POST');
    const result = (body.data as { result: { metric: { node: string }; value: [number, string] }[] }).result;
    expect(result.map((s) => [s.metric.node, s.value[1]])).toEqual(expected);
  });

  it('honours the time parameter', () => {
    const result = evaluateQuery(scenario(), 'node_nf_conntrack_entries', 1700000000);
    expect(result.status === 'success' && result.data.result[0]?.value[0]).toBe(1700000000);
  });

  it.each(['up', 'node_memory_MemAvailable_bytes', 'node_cpu_seconds_total + node_netstat_Tcp_RetransSegs'])(
    'answers bad_data for a query it does not know: %s',
    async (text) => {
      const { status, body } = await query(text);
      expect(status).toBe(400);
      expect(body).toMatchObject({ status: 'error', errorType: 'bad_data' });
    },
  );

  it('answers a missing query with bad_data and other paths with 404', async () => {
    prometheus = await startPrometheus(scenario());
    const missing = await fetch(`${prometheus.url}/api/v1/query`);
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ status: 'error', errorType: 'bad_data' });
    const other = await fetch(`${prometheus.url}/api/v1/label/__name__/values`);
    expect(other.status).toBe(404);
    expect((await fetch(`${prometheus.url}/-/ready`)).status).toBe(200);
  });
});
