/**
 * Hand-written codecs for the runtime tests, implementing `EventCodec` from runtime/api.ts
 * directly, so that these tests do not depend on the generator or on runtime/codec.
 * `CounterBumped` is Avro (avsc); `NoteTaken` is JSON with a hand-rolled validator, which lets a
 * test put a well-formed but schema-invalid JSON payload on the wire.
 */
import avro from 'avsc';
import {
  EventDecodeError,
  EventValidationError,
  type EventCodec,
  type EventDefinition,
  type EventHandler,
  type HandlerContext,
  type ValidationIssue,
  type WriterSchema,
} from '../../../runtime/api.js';

export interface CounterBumped {
  entityId: string;
  n: number;
  note: string;
}

export const COUNTER_TYPE = 'com.herald.test.CounterBumped';

export const counterSchema = {
  type: 'record',
  name: 'CounterBumped',
  namespace: 'com.herald.test',
  fields: [
    { name: 'entityId', type: 'string' },
    { name: 'n', type: 'int' },
    { name: 'note', type: 'string', default: '' },
  ],
} as const;

function definition(topic: string, type: string, name: string, format: 'avro' | 'json', schema: string): EventDefinition {
  return { type, name, version: 1, domain: 'test', topic, subject: `${topic}-${type}`, keyField: 'entityId', format, schema };
}

export function counterCodec(topic: string): EventCodec<CounterBumped> {
  const text = JSON.stringify(counterSchema);
  const type = avro.Type.forSchema(counterSchema as unknown as avro.Schema);
  const resolvers = new Map<number, avro.Resolver | null>();
  const validate = (event: unknown): ValidationIssue[] => {
    // The common case first: a valid event costs one pass without a hook.
    if (type.isValid(event)) return [];
    const issues: ValidationIssue[] = [];
    type.isValid(event, { errorHook: (path, value) => issues.push({ path: `/${path.join('/')}`, message: `invalid value ${JSON.stringify(value)}` }) });
    return issues;
  };
  return {
    ...definition(topic, COUNTER_TYPE, 'CounterBumped', 'avro', text),
    key: (event) => event.entityId,
    validate,
    encode(event) {
      // Like runtime/codec's avroCodec: encode, and work out the issues only when that fails.
      try {
        return type.toBuffer(event);
      } catch {
        throw new EventValidationError(COUNTER_TYPE, validate(event));
      }
    },
    decode(body: Buffer, writer: WriterSchema): CounterBumped {
      let resolver = resolvers.get(writer.id);
      if (resolver === undefined) {
        if (writer.format !== 'avro') throw new EventDecodeError(`writer ${writer.id} is not Avro`);
        resolver = writer.schema === text ? null : type.createResolver(avro.Type.forSchema(JSON.parse(writer.schema) as avro.Schema));
        resolvers.set(writer.id, resolver);
      }
      try {
        return (resolver ? type.fromBuffer(body, resolver) : type.fromBuffer(body)) as CounterBumped;
      } catch (error) {
        throw new EventDecodeError(`cannot decode CounterBumped: ${(error as Error).message}`, { cause: error });
      }
    },
  };
}

export interface NoteTaken {
  entityId: string;
  text: string;
}

export const NOTE_TYPE = 'com.herald.test.NoteTaken';

export function noteCodec(topic: string): EventCodec<NoteTaken> {
  const schema = JSON.stringify({
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'NoteTaken',
    type: 'object',
    required: ['entityId', 'text'],
    properties: { entityId: { type: 'string' }, text: { type: 'string' } },
  });
  const validate = (event: unknown): ValidationIssue[] => {
    if (typeof event !== 'object' || event === null || Array.isArray(event)) return [{ path: '', message: 'must be an object' }];
    const record = event as Record<string, unknown>;
    const issues: ValidationIssue[] = [];
    if (typeof record['entityId'] !== 'string') issues.push({ path: '/entityId', message: 'must be a string' });
    if (typeof record['text'] !== 'string') issues.push({ path: '/text', message: 'must be a string' });
    return issues;
  };
  return {
    ...definition(topic, NOTE_TYPE, 'NoteTaken', 'json', schema),
    key: (event) => event.entityId,
    validate,
    encode(event) {
      const issues = validate(event);
      if (issues.length) throw new EventValidationError(NOTE_TYPE, issues);
      return Buffer.from(JSON.stringify(event));
    },
    decode(body: Buffer): NoteTaken {
      try {
        return JSON.parse(body.toString('utf8')) as NoteTaken;
      } catch (error) {
        throw new EventDecodeError(`NoteTaken body is not JSON: ${(error as Error).message}`, { cause: error });
      }
    },
  };
}

/** A typed handler for `Subscription.handlers`, as generated code registers them. */
export function handler<T>(fn: (event: T, context: HandlerContext) => Promise<void>): EventHandler<unknown> {
  return fn as EventHandler<unknown>;
}
