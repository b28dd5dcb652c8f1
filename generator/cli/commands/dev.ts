import type { CommandModule } from 'yargs';
import { parseDevCommand, type DevCommand } from '../../dev/commands.js';
import { runDev } from '../../dev/stack.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { loadProjectOrExit, withProject, type ProjectArgs } from '../project.js';

interface DevArgs extends ProjectArgs {
  brokers: number;
  'registry-host': string;
  'registry-port': number;
  'env-file'?: string;
  run: string[];
}

export const devCommand: CommandModule<object, DevArgs> = {
  command: 'dev',
  describe: 'Local stack on embedded defaults: a Kafka mock cluster with every topic and the registry with every contract registered',
  builder: (yargs) =>
    withProject(yargs)
      .option('brokers', { type: 'number', default: 3, describe: 'mock Kafka brokers' })
      .option('registry-host', { type: 'string', default: '127.0.0.1', describe: 'address the registry binds (loopback only)' })
      .option('registry-port', { type: 'number', default: 8081, describe: 'registry port (0 picks a free one)' })
      .option('env-file', {
        type: 'string',
        alias: 'env-out',
        // Node 20 itself stops with "node: FILE: not found" when a script argument is --env-file and FILE does not exist yet (nodejs/node#54232).
        describe: 'also write the HERALD_* environment lines to this file (on Node 20 use --env-out for a file that does not exist yet)',
      })
      .option('run', { type: 'string', array: true, default: [], describe: 'name=command: run a shell command with the environment, output prefixed [name] (repeatable)' })
      .example('$0 dev', 'print HERALD_KAFKA_BROKERS, HERALD_KAFKA_MOCK and HERALD_REGISTRY_URL, then wait for Ctrl-C')
      .example('$0 dev --run api="npm start" --env-file .env.dev', 'run a service against the stack')
      .epilogue('Prints `herald dev: ready` once everything is up; Ctrl-C (SIGINT) or SIGTERM stops the --run commands, then the stack, and exits 0. The registry store (.herald/dev/registry) starts empty every run.'),
  handler: async (args) => {
    if (!Number.isInteger(args.brokers) || args.brokers < 1) throw new CliError(`--brokers must be a positive integer, not ${args.brokers}`, ExitCode.InvalidInput);
    const port = args['registry-port'];
    if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new CliError(`--registry-port must be 0..65535, not ${port}`, ExitCode.InvalidInput);
    const commands: DevCommand[] = [];
    for (const spec of args.run) {
      const parsed = parseDevCommand(spec);
      if (typeof parsed === 'string') throw new CliError(parsed, ExitCode.InvalidInput);
      if (commands.some((command) => command.name === parsed.name)) throw new CliError(`--run name \`${parsed.name}\` is used twice`, ExitCode.InvalidInput);
      commands.push(parsed);
    }
    const contracts = await loadProjectOrExit(args);
    await runDev({
      contracts,
      brokers: args.brokers,
      registryHost: args['registry-host'],
      registryPort: port,
      ...(args['env-file'] ? { envFile: args['env-file'] } : {}),
      commands,
      stdout: process.stdout,
      stderr: process.stderr,
    });
  },
};
