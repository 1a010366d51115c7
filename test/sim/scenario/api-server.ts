/** Where pods reach the API server in a scenario: what the kubelet tells them. */
import type { Scenario } from './types.js';

/** `default/kubernetes`'s clusterIP and port, as KUBERNETES_SERVICE_HOST and _PORT give them to pods. */
export function kubernetesServiceAddress(scenario: Scenario): string | undefined {
  const svc = scenario.objects.find(
    (o) =>
      o.kind === 'Service' &&
      o.metadata.name === 'kubernetes' &&
      (o.metadata.namespace ?? 'default') === 'default',
  );
  const spec = svc?.spec as { clusterIP?: string; ports?: { port?: number }[] } | undefined;
  if (!spec?.clusterIP) return undefined;
  const port = spec.ports?.[0]?.port ?? 443;
  return spec.clusterIP.includes(':') ? `[${spec.clusterIP}]:${port}` : `${spec.clusterIP}:${port}`;
}
