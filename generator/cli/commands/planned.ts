import type { CommandModule } from 'yargs';
import { CliError } from '../exit-codes.js';

interface PlannedCommand {
  /** `docs`, or `registry serve` for a subcommand. */
  command: string;
  describe: string;
  issue: number;
}

/**
 * Commands announced in `herald --help` whose implementation has not landed yet. Each names the
 * issue that tracks it, and is replaced by its real module when that issue is resolved.
 */
const PLANNED: PlannedCommand[] = [
  { command: 'generate', describe: 'Generate typed producers, consumers and handlers into generated/', issue: 5 },
  { command: 'docs', describe: 'Render a static schema-browsing site', issue: 6 },
  { command: 'register', describe: 'Register every contract version with a schema registry', issue: 4 },
  { command: 'registry serve', describe: 'Run the Confluent-compatible contract registry', issue: 4 },
  { command: 'outbox relay', describe: 'Run the transactional outbox relay', issue: 8 },
  { command: 'dlq replay', describe: 'Send dead-lettered records back to their topic', issue: 8 },
];

function leaf({ command, describe, issue }: PlannedCommand, name: string): CommandModule {
  return {
    command: name,
    describe: `${describe} [coming: issue #${issue}]`,
    builder: (yargs) => yargs.epilogue(`Not available yet; tracked in issue #${issue}.`),
    handler: () => {
      throw new CliError(`\`herald ${command}\` is not available yet; it is tracked in issue #${issue}`);
    },
  };
}

export function plannedCommands(): CommandModule[] {
  const groups = new Map<string, PlannedCommand[]>();
  const modules: CommandModule[] = [];
  for (const planned of PLANNED) {
    const [parent, child] = planned.command.split(' ');
    if (!child) modules.push(leaf(planned, planned.command));
    else groups.set(parent!, [...(groups.get(parent!) ?? []), planned]);
  }
  for (const [parent, children] of groups) {
    modules.push({
      command: parent,
      describe: children.map((c) => `${c.command}: ${c.describe.charAt(0).toLowerCase()}${c.describe.slice(1)}`).join('; '),
      builder: (yargs) => {
        for (const child of children) yargs.command(leaf(child, child.command.split(' ')[1]!));
        return yargs.demandCommand(1, `Name a \`herald ${parent}\` subcommand.`);
      },
      handler: () => undefined,
    });
  }
  return modules;
}
