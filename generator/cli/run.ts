import yargs, { type CommandModule } from 'yargs';
import { CliError, ExitCode } from './exit-codes.js';

// Each command has its own argument type; yargs only needs the module shape (internal, not exported).
type AnyCommand = CommandModule<object, any>;

/**
 * Each command's module, loaded on demand: a command pulls in what it needs (the registry server,
 * Kafka, PostgreSQL, ts-morph, …), and `herald generate` should not pay for `herald registry serve`.
 * In `--help` order.
 */
const COMMANDS: ReadonlyArray<[name: string, load: () => Promise<AnyCommand>]> = [
  ['lint', async () => (await import('./commands/lint.js')).lintCommand],
  ['compat', async () => (await import('./commands/compat.js')).compatCommand],
  ['check', async () => (await import('./commands/check.js')).checkCommand],
  ['lock', async () => (await import('./commands/lock.js')).lockCommand],
  ['generate', async () => (await import('./commands/generate.js')).generateCommand],
  ['docs', async () => (await import('./commands/docs.js')).docsCommand],
  ['outbox', async () => (await import('./commands/outbox-relay.js')).outboxCommand],
  ['dlq', async () => (await import('./commands/dlq-replay.js')).dlqCommand],
  ['register', async () => (await import('./commands/register.js')).registerCommand],
  ['registry', async () => (await import('./commands/registry-serve.js')).registryCommand],
  ['dev', async () => (await import('./commands/dev.js')).devCommand],
];

/** Only the named command when argv starts with one; all of them for top-level help, typos and the like. */
function commandsFor(argv: string[]): Promise<AnyCommand[]> {
  const named = COMMANDS.filter(([name]) => name === argv[0]);
  return Promise.all((named.length ? named : COMMANDS).map(([, load]) => load()));
}

/** Runs the CLI; exported so tests can drive it in-process. Returns the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const commands = await commandsFor(argv);
  const cli = yargs(argv)
    .scriptName('herald')
    .usage('$0 <command> [options]\n\nEvent contracts as the source of truth for Kafka services.')
    .command(commands)
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
