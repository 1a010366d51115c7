/** The CLI's settings from the environment: the only place the CLI reads process.env. */
export interface CliConfig {
  /** Colour on a terminal unless NO_COLOR is set (https://no-color.org). */
  colour: boolean;
  /** DNSMEDIC_DEBUG=1 prints stack traces of internal errors (never shown otherwise). */
  debug: boolean;
  /** In a pod: the API server as the kubelet announces it (KUBERNETES_SERVICE_HOST and _PORT). */
  kubernetesService: string | undefined;
}

export function loadCliConfig(env: NodeJS.ProcessEnv, stdoutIsTty: boolean): CliConfig {
  return {
    colour: stdoutIsTty && env.NO_COLOR === undefined && env.TERM !== 'dumb',
    debug: env.DNSMEDIC_DEBUG === '1',
    kubernetesService: env.KUBERNETES_SERVICE_HOST
      ? `${env.KUBERNETES_SERVICE_HOST.includes(':') ? `[${env.KUBERNETES_SERVICE_HOST}]` : env.KUBERNETES_SERVICE_HOST}:${env.KUBERNETES_SERVICE_PORT ?? '443'}`
      : undefined,
  };
}
