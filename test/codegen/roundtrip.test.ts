import { describe, expect, it } from 'vitest';
import type { EventCodec } from 'herald/runtime';
import { frame, unframe } from '../../runtime/wire-format.js';
import type { ContractSet, EventVersion } from '../../generator/contracts/model.js';
import { exampleContracts, generatedCodecs, writerOf } from './support.js';
import { avroRandom, jsonRandom, Random } from './random-values.js';

const SAMPLES = 500;
const contracts: ContractSet = await exampleContracts();
const codecs = await generatedCodecs(contracts);
const ids = new Map<string, number>();

function codecFor(event: EventVersion): EventCodec<unknown> {
  const codec = codecs.get(event.label);
  if (!codec) throw new Error(`no generated codec for ${event.label}`);
  return codec;
}

/** A random value that the version's own validation accepts (JSON candidates may miss an anyOf). */
function randomValue(event: EventVersion, random: Random): unknown {
  const codec = codecFor(event);
  for (let attempt = 0; attempt < 50; attempt++) {
    const value = event.format === 'avro' ? avroRandom(event.schema, random) : jsonRandom(event.schema as Record<string, unknown>, random);
    if (codec.validate(value).length === 0) return value;
  }
  throw new Error(`${event.label}: no valid random value in 50 attempts`);
}

describe('generated serde round trip', () => {
  it('has a codec for every example event version', () => {
    expect([...codecs.keys()].sort()).toEqual(contracts.events.map((e) => e.label).sort());
  });

  for (const event of contracts.events) {
    it(`${event.label}: ${SAMPLES} random values encode, frame and decode to equal values`, () => {
      const codec = codecFor(event);
      const random = new Random(event.label.length * 7919 + event.version);
      const writer = writerOf(event, ids);
      for (let i = 0; i < SAMPLES; i++) {
        const value = randomValue(event, random);
        const framed = frame(writer.id, codec.encode(value));
        expect(codec.encodeFramed!(value, writer.id).equals(framed)).toBe(true);
        const { schemaId, body } = unframe(framed);
        expect(schemaId).toBe(writer.id);
        const decoded = codec.decode(body, writer);
        expect(decoded).toEqual(value);
        expect(codec.validate(decoded)).toEqual([]);
        expect(codec.key(decoded)).toBe((value as Record<string, unknown>)[event.key]);
      }
    });
  }

  const latest = new Map<string, EventVersion>();
  for (const event of contracts.events) latest.set(event.type, event);
  for (const event of contracts.events.filter((e) => latest.get(e.type) !== e)) {
    const target = latest.get(event.type)!;
    it(`${event.label} values decode into ${target.label}, with its defaults`, () => {
      const writerCodec = codecFor(event);
      const readerCodec = codecFor(target);
      const random = new Random(event.version * 104729 + event.label.length);
      const oldFields = fieldsOf(event);
      const newFields = fieldsOf(target);
      for (let i = 0; i < SAMPLES; i++) {
        const value = randomValue(event, random) as Record<string, unknown>;
        const decoded = readerCodec.decode(writerCodec.encode(value), writerOf(event, ids)) as Record<string, unknown>;
        expect(readerCodec.validate(decoded)).toEqual([]);
        for (const [name, field] of newFields) {
          const old = oldFields.get(name);
          if (old && old.type === field.type) {
            if (value[name] === undefined) continue;
            expect(decoded[name], `${name}`).toEqual(value[name]);
          } else if (!old && field.hasDefault) {
            expect(decoded[name], `${name} (added with a default)`).toEqual(field.decodedDefault);
          }
        }
      }
    });
  }

  it('reads an older OrderPlaced into v3: int quantities promoted, new enum field defaulted, discount 0.00', () => {
    const v1 = contracts.events.find((e) => e.label === 'OrderPlaced.v1')!;
    const v3 = contracts.events.find((e) => e.label === 'OrderPlaced.v3')!;
    const random = new Random(42);
    let value: Record<string, unknown>;
    do value = randomValue(v1, random) as Record<string, unknown>;
    while ((value['lineItems'] as unknown[]).length === 0);
    const decoded = codecFor(v3).decode(codecFor(v1).encode(value), writerOf(v1, ids)) as Record<string, unknown>;
    expect(decoded['discountTotal']).toBe('0.00');
    expect(decoded['salesChannel']).toBe('UNKNOWN');
    expect(decoded['deliveryOption']).toBeNull();
    const lines = decoded['lineItems'] as Array<Record<string, unknown>>;
    const oldLines = value['lineItems'] as Array<Record<string, unknown>>;
    lines.forEach((line, i) => {
      expect(line['quantity']).toBe(oldLines[i]!['quantity']);
      expect(line['unitOfMeasure']).toBe('EACH');
      expect(line['taxCode']).toBeNull();
    });
  });
});

interface FieldInfo {
  type: string;
  hasDefault: boolean;
  decodedDefault: unknown;
}

/** Top-level fields of a version: the canonical JSON of their type, and their default as a reader sees it. */
function fieldsOf(event: EventVersion): Map<string, FieldInfo> {
  const schema = event.schema as Record<string, unknown>;
  const fields = new Map<string, FieldInfo>();
  if (event.format === 'avro') {
    for (const field of schema['fields'] as Array<Record<string, unknown>>) {
      const type = field['type'] as Record<string, unknown>;
      let decodedDefault = field['default'];
      if (type && type['logicalType'] === 'decimal' && typeof decodedDefault === 'string') decodedDefault = (0).toFixed(Number(type['scale']));
      fields.set(String(field['name']), { type: JSON.stringify(stripDocs(field['type'])), hasDefault: 'default' in field, decodedDefault });
    }
  } else {
    const required = new Set((schema['required'] as string[] | undefined) ?? []);
    for (const [name, prop] of Object.entries(schema['properties'] as Record<string, Record<string, unknown>>)) {
      fields.set(name, { type: JSON.stringify(stripDocs(prop)), hasDefault: 'default' in prop && !required.has(name), decodedDefault: prop['default'] });
    }
  }
  return fields;
}

function stripDocs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripDocs);
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).filter(([k]) => k !== 'doc' && k !== 'description').map(([k, v]) => [k, stripDocs(v)]));
  }
  return node;
}
