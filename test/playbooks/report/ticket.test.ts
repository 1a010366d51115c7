import { describe, expect, it } from 'vitest';
import { logsReport } from '../../../cli/commands/logs-report.js';
import { LogSummarizer } from '../../../playbooks/logs/summarizer.js';
import type { Node } from '../../../playbooks/model/k8s.js';
import { instanceId, toSecond } from '../../../playbooks/report/ticket.js';
import * as L from '../logs/samples.js';

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

describe('the ticket of a CoreDNS log', () => {
  const ticketOf = (lines: string[]) => {
    const s = new LogSummarizer();
    s.push(Buffer.from(lines.join('\n')));
    const fields = logsReport(s.end(), new Date('2030-01-01T00:00:00Z')).ticket.fields;
    return Object.fromEntries(fields.map((f) => [f.label, f.value]));
  };
  const upstreamDown = Array.from({ length: 30 }, () => L.ERR_UPSTREAM_TIMEOUT);

  it('does not put the clock in the ticket when the log has no times', () => {
    const fields = ticketOf([L.QUERY_SERVFAIL, ...upstreamDown]);
    expect(fields['Time']).toBe('not in the log (read it with kubectl logs --timestamps)');
    expect(fields['Time']).not.toContain('2030');
  });

  it('gives the time of the last failing line, to the second, when the log has times', () => {
    const fields = ticketOf([`2026-11-26T09:58:03.123456789Z ${L.QUERY_SERVFAIL}`, ...upstreamDown]);
    expect(fields['Time']).toBe('2026-11-26 09:58:03 UTC');
  });

  it('names the upstream the logs blame as the failing hop of an upstream verdict', () => {
    expect(ticketOf(upstreamDown)['Failing hop']).toBe(
      'upstream 192.0.2.53:53 (CoreDNS logs: 30 timeouts, 0 other errors)',
    );
  });
});
