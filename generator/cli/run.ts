import yargs from 'yargs';
import { checkCommand } from './commands/check.js';
import { compatCommand } from './commands/compat.js';
import { docsCommand } from './commands/docs.js';
import { generateCommand } from './commands/generate.js';
import { lintCommand } from './commands/lint.js';
import { lockCommand } from './commands/lock.js';
import { dlqCommand } from './commands/dlq-replay.js';
import { outboxCommand } from './commands/outbox-relay.js';
import { registerCommand } from './commands/register.js';
import { registryCommand } from './commands/registry-serve.js';
import { devCommand } from './commands/dev.js';
import { CliError, ExitCode } from './exit-codes.js';

/** Runs the CLI; exported so tests can drive it in-process. Returns the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const cli = yargs(argv)
    .scriptName('herald')
    .usage('$0 <command> [options]\n\nEvent contracts as the source of truth for Kafka services.')
    .command(lintCommand)
    .command(compatCommand)
    .command(checkCommand)
    .command(lockCommand)
    .command(generateCommand)
    .command(docsCommand)
    .command(outboxCommand)
    .command(dlqCommand)
    .command(registerCommand)
    .command(registryCommand)
    .command(devCommand)
    .demandCommand(1, 'Name a command; `herald --help` lists them.')
    .strict()
    .recommendCommands()
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .fail((message, error) => {
      // Thrown, not printed, so that a bad flag stops the command before its handler runs.
      const text = message?.startsWith('Did you mean') ? `unknown command. ${message}` : message;
      throw error ?? new CliError(`${text}\nRun \`herald --help\` for usage.`, ExitCode.InvalidInput);
    })
    .exitProcess(false)
    .help()
    .alias('h', 'help')
    .version()
    .epilogue('Exit codes: 0 ok, 1 check failed (e.g. breaking change), 2 invalid input or usage, 3 internal error.');
  try {
    await cli.parseAsync();
  } catch (error) {
    if (error instanceof CliError) {
      process.stderr.write(`herald: ${error.message}\n`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`herald: internal error: ${message}\n`);
    if (process.env['HERALD_DEBUG'] && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    return ExitCode.Internal;
  }
  return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.Ok;
}
