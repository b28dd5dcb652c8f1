import path from 'node:path';
import type { CommandModule } from 'yargs';
import { startRegistryServer, UnsafeBindError } from '../../registry/server/start.js';
import { CliError } from '../exit-codes.js';
import { EMBEDDED_REGISTRY_DIR } from '../registry-target.js';

interface ServeArgs {
  store: string;
  host: string;
  port: number;
  auth?: string;
  'allow-unauthenticated-remote': boolean;
  quiet: boolean;
  'cache-ttl': number;
}

export const registryServeCommand: CommandModule<object, ServeArgs> = {
  command: 'serve',
  describe: 'Run the Confluent-compatible contract registry (REST API of Confluent Schema Registry)',
  builder: (yargs) =>
    yargs
      .option('store', { type: 'string', default: EMBEDDED_REGISTRY_DIR, describe: 'a folder for the embedded store (PGlite), or a postgres:// URL shared by several instances' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'address to bind; a non-loopback one needs --auth or --allow-unauthenticated-remote' })
      .option('port', { type: 'number', default: 8081, describe: 'port (0 picks a free one)' })
      .option('auth', { type: 'string', describe: 'JSON file of users and tokens with read or write roles' })
      .option('allow-unauthenticated-remote', { type: 'boolean', default: false, describe: 'bind a non-loopback address without auth' })
      .option('quiet', { type: 'boolean', default: false, describe: 'no request logs' })
      .option('cache-ttl', {
        type: 'number',
        default: 1000,
        describe: "PostgreSQL store: ms another instance's writes may stay unseen by this one's cached reads (0: no cache of changing rows)",
      }),
  handler: async (args) => {
    const cacheTtl = args['cache-ttl'];
    if (!Number.isInteger(cacheTtl) || cacheTtl < 0) throw new CliError(`--cache-ttl must be a whole number of milliseconds, got ${cacheTtl}`);
    const store = args.store.startsWith('postgres://') || args.store.startsWith('postgresql://') ? args.store : path.resolve(args.store);
    let server;
    try {
      server = await startRegistryServer({
        store,
        host: args.host,
        port: args.port,
        ...(args.auth ? { auth: args.auth } : {}),
        allowUnauthenticatedRemote: args['allow-unauthenticated-remote'],
        logger: !args.quiet,
        cacheTtlMs: cacheTtl,
      });
    } catch (error) {
      if (error instanceof UnsafeBindError) throw new CliError(error.message);
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') throw new CliError(`port ${args.port} on ${args.host} is in use; pick another with --port`);
      throw error;
    }
    process.stderr.write(`herald registry listening on ${server.url} (store: ${args.store})\n`);
    const running = server;
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.stderr.write('herald registry: shutting down\n');
        void running.close().then(resolve);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  },
};

export const registryCommand: CommandModule = {
  command: 'registry',
  describe: 'registry serve: run the Confluent-compatible contract registry',
  builder: (yargs) => yargs.command(registryServeCommand).demandCommand(1, 'Name a `herald registry` subcommand (serve).'),
  handler: () => undefined,
};
