/**
 * `dnsmedic sim serve <scenario.yaml>`: keeps a simulated cluster running and writes a kubeconfig,
 * so kubectl or any client can look at it. Stops on Ctrl-C.
 */
import { resolve } from 'node:path';
import { loadScenario, ScenarioError } from '../../test/sim/scenario/load.js';
import { startSimulation } from '../../test/sim/simulate.js';
import type { Command } from '../grammar.js';
import { EXIT, type Io, UsageError } from '../io.js';

export async function simServe(command: Extract<Command, { kind: 'sim-serve' }>, io: Io): Promise<number> {
  let scenario: ReturnType<typeof loadScenario>;
  try {
    scenario = loadScenario(command.scenario);
  } catch (err) {
    if (err instanceof ScenarioError) throw new UsageError(err.message);
    throw err;
  }
  const sim = await startSimulation(scenario, resolve(`dnsmedic-sim-${scenario.name}.kubeconfig`));
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
