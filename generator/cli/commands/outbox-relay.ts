import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import pg from 'pg';
import type { Argv, CommandModule } from 'yargs';
import { consoleLogger, type Logger, type LogLevel } from '../../../runtime/logger.js';
import { HeraldMetrics } from '../../../runtime/metrics.js';
import { migrate } from '../../../runtime/migrate.js';
import { OutboxRelay } from '../../../runtime/outbox/relay.js';
import { DEFAULT_OUTBOX_TABLE } from '../../../runtime/outbox/schema.js';
import { closeOnSignals } from '../../../runtime/shutdown.js';
import { KafkaTransport } from '../../../runtime/transport/kafka.js';
import { CliError, ExitCode } from '../exit-codes.js';

/** Kafka connection flags shared by `outbox relay` and `dlq replay`. */
export interface KafkaArgs {
  brokers: string;
  'client-id': string;
  'kafka-module'?: string;
  'log-level': LogLevel;
}

export function withKafka<T>(yargs: Argv<T>, clientId: string): Argv<T & KafkaArgs> {
  return yargs
    .option('brokers', {
      type: 'string',
      demandOption: !process.env['KAFKA_BROKERS'],
      default: process.env['KAFKA_BROKERS'],
      defaultDescription: '$KAFKA_BROKERS',
      describe: 'Kafka bootstrap servers, comma-separated host:port',
    })
    .option('client-id', { type: 'string', default: clientId, describe: 'Kafka client id' })
    .option('kafka-module', {
      type: 'string',
      describe:
        'a JS/TS module whose default export (an object, or a function returning one) is merged into the kafkajs client config: ssl, sasl, socketFactory …',
    })
    .option('log-level', { choices: ['debug', 'info', 'warn', 'error', 'silent'] as const, default: 'info' as const, describe: 'log level (JSON lines on stderr)' }) as Argv<
    T & KafkaArgs
  >;
}

/** The kafkajs client for a command, with the user's module merged in. */
export async function kafkaFromArgs(args: KafkaArgs, logger: Logger): Promise<Kafka> {
  let extra: Partial<KafkaConfig> = {};
  if (args['kafka-module']) {
    const url = pathToFileURL(path.resolve(args['kafka-module'])).href;
    let loaded: { default?: unknown };
    try {
      loaded = (await import(url)) as { default?: unknown };
    } catch (error) {
      throw new CliError(`cannot load --kafka-module ${args['kafka-module']}: ${(error as Error).message}`, ExitCode.InvalidInput);
    }
    const exported = typeof loaded.default === 'function' ? await (loaded.default as () => unknown)() : loaded.default;
    if (typeof exported !== 'object' || exported === null) {
      throw new CliError(`--kafka-module ${args['kafka-module']} must default-export a kafkajs config object (or a function returning one)`);
    }
    extra = exported as Partial<KafkaConfig>;
  }
  const brokers = args.brokers.split(',').map((b) => b.trim()).filter(Boolean);
  if (brokers.length === 0) throw new CliError('--brokers names no broker', ExitCode.InvalidInput);
  return new Kafka({
    clientId: args['client-id'],
    brokers,
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ namespace, level, log }) => {
        const { message, timestamp: _timestamp, ...fields } = log;
        if (level <= logLevel.WARN) logger.warn(`kafkajs ${namespace}: ${message}`, fields);
        else logger.debug(`kafkajs ${namespace}: ${message}`, fields);
      },
    ...extra,
  });
}

interface RelayArgs extends KafkaArgs {
  'database-url': string;
  table: string;
  'batch-size': number;
  'buckets-per-pass': number;
  'poll-interval-ms': number;
  mode: 'delete' | 'mark';
  'marked-retention-ms': number;
  migrate: boolean;
  once: boolean;
  'metrics-port'?: number;
  'pool-size': number;
  'shutdown-deadline-ms': number;
}

function serveMetrics(metrics: HeraldMetrics, port: number, logger: Logger): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    metrics.registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      (error: unknown) => response.writeHead(500).end(String(error)),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => {
      const address = server.address();
      logger.info('metrics served', { url: `http://localhost:${typeof address === 'object' && address ? address.port : port}/metrics` });
      resolve(server);
    });
  });
}

const relayCommand: CommandModule<object, RelayArgs> = {
  command: 'relay',
  describe: 'Publish the outbox table to Kafka until stopped (SIGTERM/SIGINT); several relays may share a table',
  builder: (yargs) =>
    withKafka(yargs, 'herald-outbox-relay')
      .option('database-url', {
        type: 'string',
        demandOption: !process.env['DATABASE_URL'],
        default: process.env['DATABASE_URL'],
        defaultDescription: '$DATABASE_URL',
        describe: 'PostgreSQL connection string',
      })
      .option('table', { type: 'string', default: DEFAULT_OUTBOX_TABLE, describe: 'outbox table, optionally schema-qualified' })
      .option('batch-size', { type: 'number', default: 1000, describe: 'most rows per pass' })
      .option('buckets-per-pass', { type: 'number', default: 16, describe: 'most key buckets one pass locks (of 64)' })
      .option('poll-interval-ms', { type: 'number', default: 100, describe: 'wait between passes when idle' })
      .option('mode', { choices: ['delete', 'mark'] as const, default: 'delete' as const, describe: 'delete published rows, or mark them' })
      .option('marked-retention-ms', { type: 'number', default: 7 * 24 * 3600_000, describe: 'mark mode: purge marked rows after this long' })
      .option('migrate', { type: 'boolean', default: true, describe: 'create the outbox table if it is missing' })
      .option('once', { type: 'boolean', default: false, describe: 'relay until the outbox is empty, then exit' })
      .option('metrics-port', { type: 'number', describe: 'serve Prometheus metrics on this port at /metrics' })
      .option('pool-size', { type: 'number', default: 4, describe: 'PostgreSQL connections' })
      .option('shutdown-deadline-ms', { type: 'number', default: 10_000, describe: 'on SIGTERM, flush at most this long' })
      .example('$0 outbox relay --database-url postgres://… --brokers kafka:9092', 'run a relay')
      .example('$0 outbox relay --once', 'drain the outbox once (DATABASE_URL and KAFKA_BROKERS from the environment)') as Argv<RelayArgs>,
  handler: async (args) => {
    const logger = consoleLogger(args['log-level']);
    const pool = new pg.Pool({ connectionString: args['database-url'], max: args['pool-size'] });
    // An idle client's socket error (server restart) must not crash the relay; the next pass fails and backs off.
    pool.on('error', (error) => logger.warn('PostgreSQL connection error', { error }));
    const metrics = new HeraldMetrics();
    const transport = new KafkaTransport({ kafka: await kafkaFromArgs(args, logger), logger });
    let server: Server | undefined;
    try {
      if (args.migrate) await migrate(pool, { outboxTable: args.table, only: 'outbox' });
      const relay = new OutboxRelay({
        database: pool,
        transport,
        table: args.table,
        batchSize: args['batch-size'],
        bucketsPerPass: args['buckets-per-pass'],
        pollIntervalMs: args['poll-interval-ms'],
        mode: args.mode,
        markedRetentionMs: args['marked-retention-ms'],
        metrics,
        logger,
      });
      if (args['metrics-port'] !== undefined) server = await serveMetrics(metrics, args['metrics-port'], logger);
      if (args.once) {
        await relay.drain();
        logger.info('outbox drained', { table: args.table });
        return;
      }
      await new Promise<void>((resolve) => {
        const remove = closeOnSignals(
          { close: ({ deadlineMs } = {}) => relay.stop({ flush: true, deadlineMs: deadlineMs ?? args['shutdown-deadline-ms'] }) },
          { deadlineMs: args['shutdown-deadline-ms'], exit: false, logger, onClosed: () => (remove(), resolve()) },
        );
        relay.start();
        logger.info('outbox relay started', { table: args.table, pid: process.pid });
      });
    } finally {
      server?.close();
      await transport.close();
      await pool.end();
    }
    process.exitCode = ExitCode.Ok;
  },
};

export const outboxCommand: CommandModule = {
  command: 'outbox',
  describe: 'outbox relay: publish the transactional outbox to Kafka',
  builder: (yargs) => yargs.command(relayCommand as unknown as CommandModule).demandCommand(1, 'Name a `herald outbox` subcommand.'),
  handler: () => undefined,
};
