import type { Argv } from 'yargs';
import { loadContracts } from '../contracts/load.js';
import type { ContractSet } from '../contracts/model.js';
import { renderDiagnostics } from './diagnostics-output.js';
import { CliError, ExitCode } from './exit-codes.js';

export interface ProjectArgs {
  cwd: string;
}

/** `--cwd`, the project root every command that reads contracts shares. */
export function withProject<T>(yargs: Argv<T>): Argv<T & ProjectArgs> {
  return yargs.option('cwd', {
    type: 'string',
    default: process.cwd(),
    defaultDescription: 'the current directory',
    describe: 'project root (the folder holding herald.json)',
  });
}

/**
 * Loads the contracts for a command that needs them; the lint errors stop it with exit 2, since
 * checking or generating from a broken contract set would only produce confusing follow-on errors.
 */
export async function loadProjectOrExit(args: ProjectArgs): Promise<ContractSet> {
  // Only errors are shown here, so warnings are neither checked nor located.
  const { contracts, diagnostics } = await loadContracts(args.cwd, { warnings: false });
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (!contracts || errors.length > 0) {
    const summary = { domains: contracts?.domains.length ?? 0, events: contracts?.events.length ?? 0 };
    process.stderr.write(renderDiagnostics(errors, 'human', summary, process.stderr));
    throw new CliError('the contracts have errors; fix them first (see `herald lint`)', ExitCode.InvalidInput);
  }
  return contracts;
}
