/**
 * CloudEvents 1.0, Kafka protocol binding, binary content mode: the event's attributes travel as
 * `ce_`-prefixed Kafka headers and the record value is the data alone (here: Confluent-framed Avro
 * or JSON), so non-CloudEvents consumers still read the value with a plain Confluent deserializer.
 */
import { randomUUID } from 'node:crypto';
import type { EventDefinition, PublishOptions } from './api.js';

export const CE_SPECVERSION = '1.0';

export const Header = {
  specversion: 'ce_specversion',
  id: 'ce_id',
  type: 'ce_type',
  source: 'ce_source',
  time: 'ce_time',
  dataschema: 'ce_dataschema',
  contentType: 'content-type',
  correlationId: 'ce_correlationid',
  causationId: 'ce_causationid',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
} as const;

export const CONTENT_TYPE = { avro: 'application/avro', json: 'application/json' } as const;

/** Kafka header values as kafkajs hands them over. */
export type RawHeaders = Record<string, Buffer | string | Array<Buffer | string> | undefined>;

export interface CloudEventInput {
  definition: Pick<EventDefinition, 'type' | 'format'>;
  source: string;
  dataschema: string;
  options?: PublishOptions;
}

/** The headers for one event; the event id is `options.eventId` or a fresh UUID. */
export function cloudEventHeaders({ definition, source, dataschema, options = {} }: CloudEventInput): Record<string, string> {
  // Extra headers first, so that they can add to but never overwrite the CloudEvents attributes.
  const headers: Record<string, string> = { ...options.headers };
  headers[Header.specversion] = CE_SPECVERSION;
  headers[Header.id] = options.eventId ?? randomUUID();
  headers[Header.type] = definition.type;
  headers[Header.source] = source;
  headers[Header.time] = (options.time ?? new Date()).toISOString();
  headers[Header.dataschema] = dataschema;
  headers[Header.contentType] = CONTENT_TYPE[definition.format];
  if (options.correlationId !== undefined) headers[Header.correlationId] = options.correlationId;
  if (options.causationId !== undefined) headers[Header.causationId] = options.causationId;
  if (options.traceparent !== undefined) headers[Header.traceparent] = options.traceparent;
  if (options.tracestate !== undefined) headers[Header.tracestate] = options.tracestate;
  return headers;
}

/** Kafka headers as UTF-8 strings; of a repeated header the last value wins, as in Kafka's `lastHeader`. */
export function headersToStrings(raw: RawHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!raw) return out;
  // On the consumer's hot path (every header of every record): no entries array, and
  // Buffer#toString() without arguments, which goes straight to its UTF-8 decoder.
  for (const name in raw) {
    const value = raw[name];
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last === undefined) continue;
    out[name] = typeof last === 'string' ? last : last.toString();
  }
  return out;
}

export interface CloudEventAttributes {
  id: string;
  type: string;
  source: string;
  time: Date;
  dataschema?: string;
  correlationId?: string;
  causationId?: string;
}

/** The required attributes of a record's headers, or the name of the first one missing. */
export function readCloudEvent(headers: Record<string, string>): CloudEventAttributes | { missing: string } {
  const id = headers[Header.id];
  const type = headers[Header.type];
  if (!id) return { missing: Header.id };
  if (!type) return { missing: Header.type };
  const timeText = headers[Header.time];
  const time = timeText ? new Date(timeText) : new Date(NaN);
  const attributes: CloudEventAttributes = { id, type, source: headers[Header.source] ?? '', time };
  if (headers[Header.dataschema] !== undefined) attributes.dataschema = headers[Header.dataschema];
  if (headers[Header.correlationId] !== undefined) attributes.correlationId = headers[Header.correlationId];
  if (headers[Header.causationId] !== undefined) attributes.causationId = headers[Header.causationId];
  return attributes;
}
