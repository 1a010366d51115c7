/**
 * `dnsmedic sim serve <scenario.yaml>`: keeps a simulated cluster running and writes a kubeconfig,
 * so kubectl or any client can look at it. Stops on Ctrl-C.
 */
import { basename, resolve } from 'node:path';
import type { Command } from '../grammar.js';
import { EXIT, type Io } from '../io.js';
import { startScenario } from '../simulator.js';

export async function simServe(command: Extract<Command, { kind: 'sim-serve' }>, io: Io): Promise<number> {
  // The kubeconfig is named after the scenario file's stem, as the scenario's name is.
  const stem = basename(command.scenario).replace(/\.ya?ml$/, '');
  const sim = await startScenario(command.scenario, resolve(`dnsmedic-sim-${stem}.kubeconfig`));
  const scenario = sim.scenario;
  io.stdout.write(
    `Simulating "${scenario.name}": ${scenario.description}\n` +
      `Kubernetes API: ${sim.api.url}\nPrometheus:     ${sim.prometheus.url}\n` +
      `Kubeconfig:     ${sim.kubeconfigPath}\n\n` +
      `  kubectl --kubeconfig ${sim.kubeconfigPath} get pods -A\n` +
      `  dnsmedic diagnose ${scenario.target.namespace}/${scenario.target.pod} --kubeconfig ${sim.kubeconfigPath} --prometheus-url ${sim.prometheus.url}\n\n` +
      'Ctrl-C stops it.\n',
  );
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await sim.close();
  return EXIT.ok;
}
