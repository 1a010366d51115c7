/**
 * Starts the simulator from a scenario file for a command's `--scenario` (loaded only when asked
 * for: the simulator is test code). A scenario that does not load is bad input (exit 2).
 */
import type { Simulation } from '../test/sim/simulate.js';
import { UsageError } from './io.js';

export async function startScenario(file: string, kubeconfigPath?: string): Promise<Simulation> {
  const { loadScenario, ScenarioError } = await import('../test/sim/scenario/load.js');
  const { startSimulation } = await import('../test/sim/simulate.js');
  let scenario: ReturnType<typeof loadScenario>;
  try {
    scenario = loadScenario(file);
  } catch (err) {
    throw err instanceof ScenarioError ? new UsageError(err.message) : err;
  }
  return startSimulation(scenario, kubeconfigPath);
}
