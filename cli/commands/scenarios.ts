/** `dnsmedic scenarios`: the simulator scenarios shipped in the repository, with their verdicts. */
import { listScenarios } from '../../test/sim/scenario/load.js';
import type { Command } from '../grammar.js';
import { EXIT, type Io } from '../io.js';

export async function scenarios(command: Extract<Command, { kind: 'scenarios' }>, io: Io): Promise<number> {
  const list = listScenarios();
  if (command.output === 'json') {
    io.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    return EXIT.ok;
  }
  const width = Math.max(...list.map((s) => s.name.length), 4);
  for (const s of list)
    io.stdout.write(
      `${s.name.padEnd(width)}  ${s.style.padEnd(8)} ${s.verdict.padEnd(36)} ${s.description}\n`,
    );
  io.stdout.write(
    `\n${list.length} scenarios. Run one: dnsmedic diagnose --scenario test/sim/scenarios/<name>.yaml\n`,
  );
  return EXIT.ok;
}
