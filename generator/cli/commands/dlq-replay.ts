import type { Argv, CommandModule } from 'yargs';
import { consoleLogger } from '../../../runtime/logger.js';
import { replayDeadLetters, type ReplayReport } from '../../../runtime/consume/replay.js';
import { KafkaTransport } from '../../../runtime/transport/kafka.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { kafkaFromArgs, withKafka, type KafkaArgs } from './outbox-relay.js';

interface ReplayArgs extends KafkaArgs {
  topic: string;
  'event-type'?: string;
  since?: string;
  'dry-run': boolean;
  'max-replays'?: number;
  format: 'human' | 'json';
  'timeout-ms': number;
}

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--since`: an ISO 8601 date/time, or an age such as `30m`, `12h`, `7d`. */
export function parseSince(text: string, now = Date.now()): Date {
  const relative = /^(\d+(?:\.\d+)?)([smhd])$/.exec(text.trim());
  if (relative) return new Date(now - Number(relative[1]) * UNITS[relative[2]!]!);
  const absolute = new Date(text);
  if (Number.isNaN(absolute.getTime())) {
    throw new CliError(`--since ${JSON.stringify(text)} is neither an ISO date/time nor an age like 30m, 12h or 7d`, ExitCode.InvalidInput);
  }
  return absolute;
}

function renderHuman(report: ReplayReport, dryRun: boolean): string {
  const lines = report.records.map((r) => {
    const verb = r.skipped ? `skipped (${r.skipped})` : dryRun ? 'would replay' : 'replayed';
    return `${verb}  p${r.partition}@${r.offset}  ${r.type ?? '<no ce_type>'}  ${r.eventId ?? '<no ce_id>'}  → ${r.originalTopic ?? '?'}  [${r.reason ?? '?'}]`;
  });
  const selected = report.records.filter((r) => !r.skipped).length;
  lines.push(
    dryRun
      ? `${selected} of ${report.scanned} dead-lettered records would be replayed (dry run: nothing sent)`
      : `${report.replayed} of ${report.scanned} dead-lettered records replayed`,
  );
  return `${lines.join('\n')}\n`;
}

const replayCommand: CommandModule<object, ReplayArgs> = {
  command: 'replay',
  describe: 'Send dead-lettered records back to their original topic (with a dlq_replay_count header)',
  builder: (yargs) =>
    withKafka(yargs, 'herald-dlq-replay')
      .option('topic', { type: 'string', demandOption: true, describe: 'the DLQ topic, e.g. orders.events.dlq' })
      .option('event-type', { type: 'string', describe: 'only records of this ce_type, e.g. com.acme.shop.OrderPlaced' })
      .option('since', { type: 'string', describe: 'only records dead-lettered since: ISO date/time or an age (30m, 12h, 7d)' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'list what would be replayed; send nothing' })
      .option('max-replays', { type: 'number', describe: 'skip records already replayed this many times' })
      .option('format', { choices: ['human', 'json'] as const, default: 'human' as const, describe: 'output format' })
      .option('timeout-ms', { type: 'number', default: 60_000, describe: 'how long reading the DLQ may take' })
      .example('$0 dlq replay --topic orders.events.dlq --dry-run', 'list what would go back')
      .example('$0 dlq replay --topic orders.events.dlq --event-type com.acme.shop.OrderPlaced --since 2h', 'replay one type of the last two hours') as Argv<ReplayArgs>,
  handler: async (args) => {
    const logger = consoleLogger(args['log-level'] === 'info' ? 'warn' : args['log-level']);
    const since = args.since !== undefined ? parseSince(args.since) : undefined;
    const transport = new KafkaTransport({ kafka: await kafkaFromArgs(args, logger), logger });
    let report: ReplayReport;
    try {
      report = await replayDeadLetters({
        transport,
        dlqTopic: args.topic,
        ...(args['event-type'] !== undefined ? { eventType: args['event-type'] } : {}),
        ...(since ? { since } : {}),
        ...(args['max-replays'] !== undefined ? { maxReplays: args['max-replays'] } : {}),
        dryRun: args['dry-run'],
        readTimeoutMs: args['timeout-ms'],
        logger,
      });
    } catch (error) {
      throw new CliError(`dlq replay failed: ${(error as Error).message}`, ExitCode.Failed);
    } finally {
      await transport.close();
    }
    process.stdout.write(args.format === 'json' ? `${JSON.stringify({ dryRun: args['dry-run'], ...report })}\n` : renderHuman(report, args['dry-run']));
    const failedSends = report.records.some((r) => r.skipped?.startsWith('send failed'));
    process.exitCode = failedSends ? ExitCode.Failed : ExitCode.Ok;
  },
};

export const dlqCommand: CommandModule = {
  command: 'dlq',
  describe: 'dlq replay: send dead-lettered records back to their topic',
  builder: (yargs) => yargs.command(replayCommand as unknown as CommandModule).demandCommand(1, 'Name a `herald dlq` subcommand.'),
  handler: () => undefined,
};
