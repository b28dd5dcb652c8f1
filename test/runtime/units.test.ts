/** The parts of the runtime that need neither Kafka nor a database. */
import { describe, expect, it } from 'vitest';
import { EventDecodeError, EventValidationError, NonRetryableError } from '../../runtime/api.js';
import { cloudEventHeaders, HeaderDecoder, headersToStrings, parseTime, readCloudEvent } from '../../runtime/cloudevents.js';
import { deadLetterRecord, DlqHeader, replayRecord, STACK_LIMIT } from '../../runtime/consume/dead-letter.js';
import { selectForReplay } from '../../runtime/consume/replay.js';
import { isRetryable, resolveRetryPolicy, retryDelay } from '../../runtime/consume/retry.js';
import { InMemorySchemaRegistry } from '../../runtime/registry/memory.js';
import { SchemaRegistryError } from '../../runtime/registry/client.js';
import { tableName } from '../../runtime/sql.js';
import { outboxBucket, OUTBOX_BUCKETS } from '../../runtime/outbox/schema.js';
import { HeraldMetrics } from '../../runtime/metrics.js';
import { Registry } from 'prom-client';
import type { IncomingRecord } from '../../runtime/transport/transport.js';
import { parseSince } from '../../generator/cli/commands/dlq-replay.js';

const source: IncomingRecord = {
  topic: 'shop.events',
  partition: 2,
  offset: '41',
  key: Buffer.from('order-7'),
  value: Buffer.from([0, 0, 0, 0, 3, 1, 2]),
  headers: { ce_id: Buffer.from('evt-1'), ce_type: Buffer.from('com.acme.OrderPlaced'), traceparent: Buffer.from('00-abc-def-01') },
  timestamp: '1700000000000',
};

describe('CloudEvents headers', () => {
  it('sets the binary-mode attributes and extensions, and extra headers cannot override them', () => {
    const headers = cloudEventHeaders({
      definition: { type: 'com.acme.OrderPlaced', format: 'json' },
      source: '/shop',
      dataschema: 'http://registry/schemas/ids/3',
      options: { eventId: 'e-1', time: new Date('2026-01-02T03:04:05Z'), correlationId: 'c', causationId: 'd', tracestate: 'x=1', headers: { ce_id: 'forged', tenant: 'acme' } },
    });
    expect(headers).toEqual({
      ce_specversion: '1.0',
      ce_id: 'e-1',
      ce_type: 'com.acme.OrderPlaced',
      ce_source: '/shop',
      ce_time: '2026-01-02T03:04:05.000Z',
      ce_dataschema: 'http://registry/schemas/ids/3',
      'content-type': 'application/json',
      ce_correlationid: 'c',
      ce_causationid: 'd',
      tracestate: 'x=1',
      tenant: 'acme',
    });
    expect(cloudEventHeaders({ definition: { type: 't', format: 'avro' }, source: 's', dataschema: 'd' })['ce_id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reads attributes back and names the first missing one', () => {
    const strings = headersToStrings({ ce_id: Buffer.from('a'), ce_type: ['x', Buffer.from('y')], ce_time: '2026-01-01T00:00:00Z', skip: undefined });
    expect(strings).toEqual({ ce_id: 'a', ce_type: 'y', ce_time: '2026-01-01T00:00:00Z' });
    expect(readCloudEvent(strings)).toMatchObject({ id: 'a', type: 'y', source: '' });
    expect(readCloudEvent({ ce_type: 'x' })).toEqual({ missing: 'ce_id' });
  });

  it('decodes headers of many records like headersToStrings, reusing a repeated value and never confusing a changed one', () => {
    const decoder = new HeaderDecoder();
    const records = [
      { ce_id: Buffer.from('1'), ce_type: Buffer.from('t.A'), note: Buffer.from('héllo') },
      { ce_id: Buffer.from('2'), ce_type: Buffer.from('t.A'), note: Buffer.from('héllo') },
      { ce_id: Buffer.from('3'), ce_type: Buffer.from('t.B'), note: Buffer.from('hello') },
      { ce_type: Buffer.from('t.B'), ce_id: Buffer.from('3'), note: ['x', Buffer.from('y')], gone: undefined },
      { ce_id: Buffer.from('4'), ce_type: Buffer.from('t.B'), extra: Buffer.from('t.B') },
    ];
    const decoded = records.map((raw) => decoder.decode(raw));
    expect(decoded).toEqual(records.map((raw) => headersToStrings(raw)));
    expect(decoded[3]).toEqual({ ce_type: 't.B', ce_id: '3', note: 'y' });
    expect(decoder.decode(undefined)).toEqual({});
  });

  it('parses ce_time exactly as new Date() does, including invalid and unusual forms', () => {
    const texts = [
      '2026-01-02T03:04:05.678Z', '2024-02-29T23:59:59.999Z', '2023-02-29T00:00:00.000Z', '2100-02-29T00:00:00.000Z',
      '2000-02-29T00:00:00.000Z', '2024-04-31T00:00:00.000Z', '2024-01-01T24:00:00.000Z', '0999-12-31T00:00:00.000Z',
      '1969-12-31T23:59:59.999Z', '2024-13-01T00:00:00.000Z', '2024-01-01T0a:00:00.000Z', '2024-01-01T00:00:00Z',
      '2024-01-01T00:00:00.000+01:00', '+002024-01-01T00:00:00.000Z', 'not a time at all, 24 ch', '',
    ];
    for (let t = -5e12; t < 8e12; t += 7_654_321_987) texts.push(new Date(t).toISOString());
    for (const text of texts) expect([text, parseTime(text).getTime()]).toEqual([text, new Date(text).getTime()]);
  });
});

describe('retry policy', () => {
  it('defaults to 5 attempts and grows the jitter ceiling exponentially up to the cap', () => {
    const policy = resolveRetryPolicy({});
    expect(policy).toEqual({ attempts: 5, initialDelayMs: 200, maxDelayMs: 30_000 });
    const ceiling = (attempt: number): number => retryDelay(policy, attempt, () => 0.999999);
    expect([2, 3, 4, 5].map(ceiling)).toEqual([199, 399, 799, 1599]);
    expect(retryDelay(policy, 40, () => 0.999999)).toBe(29_999);
    expect(retryDelay(policy, 3, () => 0)).toBe(0);
    expect(() => resolveRetryPolicy({ attempts: 0 })).toThrow(RangeError);
  });

  it('never retries what a retry cannot fix', () => {
    expect(isRetryable(new Error('db busy'))).toBe(true);
    expect(isRetryable(new NonRetryableError('no'))).toBe(false);
    expect(isRetryable(new EventValidationError('t', []))).toBe(false);
    expect(isRetryable(new EventDecodeError('bad bytes'))).toBe(false);
  });
});

describe('dead-letter records', () => {
  it('copy key, value and headers and add where-from and why, with a truncated stack', () => {
    const error = new TypeError('x'.repeat(5000));
    error.stack = `TypeError: boom\n${'    at frame (file.ts:1:1)\n'.repeat(1000)}`;
    const dlq = deadLetterRecord(source, { group: 'billing', attempts: 5, reason: 'handler', error });
    expect(dlq.topic).toBe('shop.events.dlq');
    expect(dlq.key).toBe(source.key);
    expect(dlq.value).toBe(source.value);
    const h = dlq.headers;
    expect({ ...h, [DlqHeader.errorMessage]: undefined, [DlqHeader.errorStack]: undefined, [DlqHeader.failedAt]: undefined }).toEqual({
      ce_id: source.headers['ce_id'],
      ce_type: source.headers['ce_type'],
      traceparent: source.headers['traceparent'],
      dlq_original_topic: 'shop.events',
      dlq_original_partition: '2',
      dlq_original_offset: '41',
      dlq_original_timestamp: '1700000000000',
      dlq_consumer_group: 'billing',
      dlq_attempts: '5',
      dlq_reason: 'handler',
      dlq_error_class: 'TypeError',
      dlq_error_message: undefined,
      dlq_error_stack: undefined,
      dlq_failed_at: undefined,
    });
    expect(Buffer.byteLength(String(h[DlqHeader.errorStack]))).toBeLessThanOrEqual(STACK_LIMIT + 3);
    expect(String(h[DlqHeader.errorStack])).toMatch(/^TypeError: boom\n/);
    expect(String(h[DlqHeader.errorMessage]).length).toBeLessThan(2100);
  });

  it('replay strips the dlq_ headers, raises the replay count, and a second failure keeps only the count', () => {
    const dlq = deadLetterRecord(source, { group: 'g', attempts: 1, reason: 'non-retryable', error: new NonRetryableError('no') });
    const asIncoming = (record: { topic: string; key: string | Buffer | null; value: Buffer | null; headers: Record<string, string | Buffer> }, offset: string): IncomingRecord => ({
      topic: record.topic,
      partition: 0,
      offset,
      key: typeof record.key === 'string' ? Buffer.from(record.key) : record.key,
      value: record.value,
      headers: record.headers,
      timestamp: '1700000001000',
    });
    const back = replayRecord(asIncoming(dlq, '0'));
    if ('skip' in back) throw new Error(back.skip);
    expect(back.topic).toBe('shop.events');
    expect(Object.keys(back.headers).sort()).toEqual(['ce_id', 'ce_type', 'dlq_replay_count', 'traceparent']);
    expect(back.headers[DlqHeader.replayCount]).toBe('1');
    const again = deadLetterRecord(asIncoming(back, '99'), { group: 'g', attempts: 1, reason: 'non-retryable', error: new NonRetryableError('still no') });
    expect(again.headers[DlqHeader.replayCount]).toBe('1');
    expect(again.headers[DlqHeader.originalOffset]).toBe('99');
    const twice = replayRecord(asIncoming(again, '1'));
    expect('skip' in twice ? twice.skip : twice.headers[DlqHeader.replayCount]).toBe('2');
    expect(replayRecord({ ...source, headers: {} })).toEqual({ skip: 'no dlq_original_topic header' });
  });

  it('selects records for replay by event type, time and replay count', () => {
    const make = (offset: number, type: string, failedAt: string, replays?: number): IncomingRecord => {
      const record = deadLetterRecord({ ...source, offset: String(offset), headers: { ...source.headers, ce_type: type, ...(replays ? { dlq_replay_count: String(replays) } : {}) } }, {
        group: 'g',
        attempts: 1,
        reason: 'handler',
        error: new Error('e'),
      });
      return { ...source, topic: record.topic, offset: String(offset), headers: { ...record.headers, [DlqHeader.failedAt]: failedAt } };
    };
    const dlq = [make(0, 'A', '2026-01-01T00:00:00Z'), make(1, 'B', '2026-01-02T00:00:00Z'), make(2, 'A', '2026-01-03T00:00:00Z', 2)];
    const pick = (filter: Parameters<typeof selectForReplay>[1]): string[] =>
      selectForReplay(dlq, filter).outgoing.map((o) => o.entry.offset);
    expect(pick({})).toEqual(['0', '1', '2']);
    expect(pick({ eventType: 'A' })).toEqual(['0', '2']);
    expect(pick({ since: new Date('2026-01-02T00:00:00Z') })).toEqual(['1', '2']);
    expect(pick({ maxReplays: 2 })).toEqual(['0', '1']);
    expect(selectForReplay(dlq, { maxReplays: 2 }).records.find((r) => r.offset === '2')?.skipped).toMatch(/already replayed 2 times/);
  });

  it('parses --since as a date or an age', () => {
    const now = Date.parse('2026-05-01T12:00:00Z');
    expect(parseSince('2h', now).toISOString()).toBe('2026-05-01T10:00:00.000Z');
    expect(parseSince('7d', now).toISOString()).toBe('2026-04-24T12:00:00.000Z');
    expect(parseSince('2026-04-30T00:00:00Z', now).toISOString()).toBe('2026-04-30T00:00:00.000Z');
    expect(() => parseSince('yesterday', now)).toThrow(/neither/);
  });
});

describe('in-memory registry and table names', () => {
  it('assigns one id per schema text, shared across subjects, and refuses unknown ids', async () => {
    const registry = new InMemorySchemaRegistry({ autoRegister: false });
    const a = registry.register('t-A', '{"type":"string"}', 'avro');
    expect(registry.register('u-A', '{"type":"string"}', 'avro')).toBe(a);
    expect(await registry.idFor('t-A', '{"type":"string"}', 'avro')).toBe(a);
    await expect(registry.idFor('t-B', '{"type":"string"}', 'avro')).rejects.toThrow(SchemaRegistryError);
    await expect(registry.schemaById(42)).rejects.toMatchObject({ status: 404 });
    expect(await registry.schemaById(a)).toEqual({ id: a, schema: '{"type":"string"}', format: 'avro' });
  });

  it('quotes table names and rejects anything that is not an identifier', () => {
    expect(tableName('herald_outbox')).toBe('"herald_outbox"');
    expect(tableName('svc.herald_outbox')).toBe('"svc"."herald_outbox"');
    expect(() => tableName('x; DROP TABLE y')).toThrow(TypeError);
    expect(() => tableName('a.b.c')).toThrow(TypeError);
  });
});

describe('metrics', () => {
  it('puts every metric into one registry, which two runtimes may share', async () => {
    const registry = new Registry();
    const a = new HeraldMetrics(registry);
    const b = new HeraldMetrics(registry);
    expect(b.handled).toBe(a.handled);
    a.consumerLag.set({ group: 'g', topic: 't', partition: '0' }, 7);
    const text = await registry.metrics();
    for (const name of [
      'herald_consumer_lag',
      'herald_events_handled_total',
      'herald_events_duplicate_total',
      'herald_events_retried_total',
      'herald_events_dead_lettered_total',
      'herald_events_ignored_total',
      'herald_handler_duration_seconds',
      'herald_outbox_backlog',
      'herald_outbox_oldest_age_seconds',
      'herald_outbox_relayed_total',
      'herald_outbox_relay_failures_total',
      'herald_events_published_total',
      'herald_publish_failures_total',
      'herald_publish_duration_seconds',
    ]) {
      expect(text).toContain(`# HELP ${name} `);
    }
    expect(text).toContain('herald_consumer_lag{group="g",topic="t",partition="0"} 7');
  });
});

describe('outbox buckets', () => {
  it('hash the UTF-8 bytes of the key (FNV-1a), whatever the characters', () => {
    const reference = (key: string): number => {
      let hash = 0x811c9dc5;
      for (const byte of Buffer.from(key, 'utf8')) hash = Math.imul(hash ^ byte, 0x01000193);
      return (hash >>> 0) % OUTBOX_BUCKETS;
    };
    for (const key of ['order-1', 'ключ-7', '注文-42', 'emoji-😀-x', 'lone-\ud800-x', '', 'x'.repeat(300)]) {
      expect(outboxBucket(key), key).toBe(reference(key));
    }
    expect(outboxBucket('order-1')).toBe(reference('order-1'));
  });
});
