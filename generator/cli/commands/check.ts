import type { CommandModule } from 'yargs';
import { runGate } from '../../gate/gate.js';
import { GATE_FORMATS, renderGateReport, type GateFormat } from '../../gate/output/index.js';
import { RegistryClient } from '../../registry/client.js';
import { ExitCode } from '../exit-codes.js';
import { registryCliError } from '../registry-target.js';
import { loadProjectOrExit, withProject, type ProjectArgs } from '../project.js';

interface CheckArgs extends ProjectArgs {
  format: GateFormat;
  against?: string;
  registry?: string;
}

export const checkCommand: CommandModule<object, CheckArgs> = {
  command: 'check',
  describe: 'CI gate: every contract version against its predecessors, the lock file and (optionally) a git ref',
  builder: (yargs) =>
    withProject(yargs)
      .option('format', { choices: GATE_FORMATS, default: 'human' as GateFormat, describe: 'output: human, json, junit (CI test reports) or github (workflow annotations)' })
      .option('against', { type: 'string', describe: 'git ref to compare with (edited or deleted versions, topic/key changes, loosened levels)' })
      .option('registry', { type: 'string', describe: 'Confluent-compatible registry URL to compare with (registered versions unchanged, new ones accepted)' })
      .example('$0 check', 'check the working tree')
      .example('$0 check --against origin/main --format github', 'in a pull-request workflow')
      .epilogue('Exit codes: 0 no breaking change, 1 breaking changes found, 2 invalid contracts or usage.'),
  handler: async (args) => {
    const contracts = await loadProjectOrExit(args);
    const registry = args.registry ? new RegistryClient({ url: args.registry }) : undefined;
    let report;
    try {
      report = await runGate(contracts, {
        ...(args.against ? { against: args.against } : {}),
        ...(registry && args.registry ? { registry: { client: registry, name: args.registry.replace(/\/\/[^@/]*@/, '//') } } : {}),
      });
    } catch (error) {
      throw registryCliError(error) ?? error;
    }
    process.stdout.write(renderGateReport(report, args.format, process.stdout));
    process.exitCode = report.findings.length > 0 ? ExitCode.Failed : ExitCode.Ok;
  },
};
