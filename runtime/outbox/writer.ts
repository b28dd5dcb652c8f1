/**
 * Writing events into the outbox inside the caller's transaction: the event exists exactly when
 * the business change that caused it commits. The value is stored ready to send (framed, with
 * its CloudEvents headers), so the relay needs neither codecs nor the schema registry and one
 * relay process can serve every service that shares the table.
 */
import type { EventCodec, OutboxWriteResult, OutboxWriter, PublishOptions, SqlExecutor } from '../api.js';
import type { EventEncoder } from '../publish/publisher.js';
import { tableName } from '../sql.js';
import { DEFAULT_OUTBOX_TABLE, outboxBucket } from './schema.js';

/** INSERT statements by table: a writer is made per transaction (often per event), the SQL once. */
const statements = new Map<string, string>();

function insertStatement(table: string): string {
  let sql = statements.get(table);
  if (!sql) {
    sql = `INSERT INTO ${tableName(table)} (event_id, event_type, topic, key, bucket, value, headers) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)`;
    statements.set(table, sql);
  }
  return sql;
}

export class SqlOutboxWriter implements OutboxWriter {
  private readonly insert: string;

  constructor(
    private readonly tx: SqlExecutor,
    private readonly encoder: EventEncoder,
    table: string = DEFAULT_OUTBOX_TABLE,
  ) {
    this.insert = insertStatement(table);
  }

  async write<T>(codec: EventCodec<T>, event: T, options?: PublishOptions): Promise<OutboxWriteResult> {
    // Validation happens here, in the writer's transaction: an invalid event fails the business
    // write instead of turning into a row the relay could never publish.
    const prepared = await this.encoder.prepare(codec, event, options);
    await this.tx.query(this.insert, [
      prepared.eventId,
      prepared.type,
      prepared.topic,
      prepared.key,
      outboxBucket(prepared.key),
      prepared.value,
      JSON.stringify(prepared.headers),
    ]);
    return { eventId: prepared.eventId };
  }
}
