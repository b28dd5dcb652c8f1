import type { CommandModule } from 'yargs';
import { loadContracts } from '../../contracts/load.js';
import { renderDiagnostics, type DiagnosticsFormat } from '../diagnostics-output.js';
import { ExitCode } from '../exit-codes.js';
import { withProject, type ProjectArgs } from '../project.js';

interface LintArgs extends ProjectArgs {
  format: DiagnosticsFormat;
  strict: boolean;
}

export const lintCommand: CommandModule<object, LintArgs> = {
  command: 'lint',
  describe: 'Check every contract file, domain.json and herald.json for mistakes',
  builder: (yargs) =>
    withProject(yargs)
      .option('format', { choices: ['human', 'json'] as const, default: 'human' as const, describe: 'output format' })
      .option('strict', { type: 'boolean', default: false, describe: 'treat warnings (such as missing docs) as errors' })
      .example('$0 lint', 'lint the contracts of the project in the current directory')
      .example('$0 lint --format json --strict', 'machine-readable, failing on warnings too'),
  handler: async (args) => {
    const { contracts, diagnostics } = await loadContracts(args.cwd);
    const summary = { domains: contracts?.domains.length ?? 0, events: contracts?.events.length ?? 0 };
    process.stdout.write(renderDiagnostics(diagnostics, args.format, summary, process.stdout));
    const failing = diagnostics.filter((d) => d.severity === 'error' || args.strict);
    process.exitCode = failing.length > 0 ? ExitCode.InvalidInput : ExitCode.Ok;
  },
};
