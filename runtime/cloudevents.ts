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

/**
 * Kafka headers as UTF-8 strings, like `headersToStrings`, for a consumer that reads many records.
 * Most header values repeat from record to record (type, source, content type, data schema), and
 * a producer writes its headers in the same order every time. So the decoder remembers, by
 * position, the last name and ASCII value it saw: a value with the same bytes costs a comparison
 * instead of a UTF-8 decode and a new string, and a repeated string is then one object, whose
 * hash a Map lookup by event type computes only once. Only strings are kept, never the record's
 * bytes, which are views into a whole fetch response.
 */
export class HeaderDecoder {
  private readonly last: Array<{ name: string; text: string } | undefined> = [];

  decode(raw: RawHeaders | undefined): Record<string, string> {
    const out: Record<string, string> = {};
    if (!raw) return out;
    let position = 0;
    for (const name in raw) {
      const value = raw[name];
      const last = Array.isArray(value) ? value[value.length - 1] : value;
      if (last === undefined) continue;
      out[name] = typeof last === 'string' ? last : this.text(position, name, last);
      position++;
    }
    return out;
  }

  private text(position: number, name: string, bytes: Buffer): string {
    const known = this.last[position];
    if (known !== undefined && known.name === name && isAsciiOf(known.text, bytes)) return known.text;
    const text = bytes.toString();
    // Long values (trace state, free-form extensions) rarely repeat; the number of positions is
    // bounded so that a producer sending hundreds of headers cannot grow this without limit. A
    // UTF-8 value is ASCII exactly when it has as many characters as bytes.
    if (text.length === bytes.length && text.length <= MAX_REMEMBERED_VALUE && position < MAX_REMEMBERED_POSITIONS) {
      this.last[position] = { name, text };
    }
    return text;
  }
}

const MAX_REMEMBERED_VALUE = 128;
const MAX_REMEMBERED_POSITIONS = 32;

/** Whether `bytes` encode the ASCII string `text`; for header-sized values cheaper than decoding them. */
function isAsciiOf(text: string, bytes: Uint8Array): boolean {
  const length = text.length;
  if (length !== bytes.length) return false;
  for (let i = 0; i < length; i++) if (text.charCodeAt(i) !== bytes[i]) return false;
  return true;
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
  const time = timeText ? parseTime(timeText) : new Date(NaN);
  const attributes: CloudEventAttributes = { id, type, source: headers[Header.source] ?? '', time };
  if (headers[Header.dataschema] !== undefined) attributes.dataschema = headers[Header.dataschema];
  if (headers[Header.correlationId] !== undefined) attributes.correlationId = headers[Header.correlationId];
  if (headers[Header.causationId] !== undefined) attributes.causationId = headers[Header.causationId];
  return attributes;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * `new Date(text)`, with a fast path for what `Date#toISOString` writes (`2026-01-02T03:04:05.678Z`,
 * the form every herald producer uses): read field by field, that costs a fraction of the engine's
 * general date parser, which matters once per consumed record. Anything else — other precisions
 * or offsets, out-of-range fields, years before 1000 — goes to the engine, so the result is always
 * exactly `new Date(text)`.
 */
export function parseTime(text: string): Date {
  if (text.length === 24 && text.charCodeAt(4) === 45 && text.charCodeAt(7) === 45 && text.charCodeAt(10) === 84 &&
      text.charCodeAt(13) === 58 && text.charCodeAt(16) === 58 && text.charCodeAt(19) === 46 && text.charCodeAt(23) === 90) {
    const year = digits(text, 0, 4);
    const month = digits(text, 5, 2);
    const day = digits(text, 8, 2);
    const hour = digits(text, 11, 2);
    const minute = digits(text, 14, 2);
    const second = digits(text, 17, 2);
    const millis = digits(text, 20, 3);
    const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    if (year >= 1000 && month >= 1 && month <= 12 && day >= 1 && day <= DAYS_IN_MONTH[month - 1]! + (leap ? 1 : 0) &&
        hour <= 23 && minute <= 59 && second <= 59 && millis >= 0) {
      // Days since 1970-01-01 in the proleptic Gregorian calendar (Hinnant's days_from_civil);
      // computed here rather than by Date.UTC, which costs as much as the parsing it replaces.
      const y = month <= 2 ? year - 1 : year;
      const era = Math.floor(y / 400);
      const yearOfEra = y - era * 400;
      const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
      const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
      const days = era * 146_097 + dayOfEra - 719_468;
      return new Date(days * 86_400_000 + hour * 3_600_000 + minute * 60_000 + second * 1_000 + millis);
    }
  }
  return new Date(text);
}

/** The decimal number in `text[start, start + count)`, or NaN (failing every range check) when a character is not a digit. */
function digits(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    value = value * 10 + d;
  }
  return value;
}
