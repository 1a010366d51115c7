import { describe, expect, it } from 'vitest';
import type { Node } from '../../../playbooks/model/k8s.js';
import { instanceId, toSecond } from '../../../playbooks/report/ticket.js';

const node = (name: string, providerID?: string): Node => ({
  metadata: { name },
  spec: providerID ? { providerID } : {},
});

describe('ticket fields', () => {
  it.each([
    [node('ip-10-0-1-5', 'aws:///eu-west-1a/i-0abc123def'), 'i-0abc123def'],
    [node('cn-hangzhou.192.168.0.198', 'cn-hangzhou.i-bp1abcdef'), 'i-bp1abcdef'],
    [node('gke-pool-1-abcd', 'gce://my-project/europe-west1-b/gke-pool-1-abcd'), 'gke-pool-1-abcd'],
    [
      node(
        'aks-nodepool1-0',
        'azure:///subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/aks-nodepool1/virtualMachines/0',
      ),
      'aks-nodepool1_0',
    ],
    [node('kind-worker'), 'kind-worker'],
  ])('instance id of %j', (n, id) => {
    expect(instanceId(n)).toBe(id);
  });

  it('gives times to the second in UTC, as the guide asks', () => {
    expect(toSecond('2026-11-26T09:58:03.123456789Z')).toBe('2026-11-26 09:58:03 UTC');
    expect(toSecond('not a time')).toBe('not a time');
    expect(toSecond(undefined)).toBeUndefined();
  });
});
