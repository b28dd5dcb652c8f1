import type { EventVersion } from '../../generator/contracts/model.js';
import { mulberry32 } from '../../test/support/random.js';

type Json = unknown;
type JsonObject = Record<string, Json>;


export interface Evolution {
  format: 'avro' | 'json';
  previous: Json;
  next: Json;
  change: string;
}

const clone = <T>(value: T): T => structuredClone(value);
const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

type Mutation = (schema: JsonObject, random: () => number, serial: number) => string | undefined;

/** Fields that define no named type, so removing or retyping them leaves later references valid. */
function plainFields(schema: JsonObject): JsonObject[] {
  return (schema['fields'] as JsonObject[]).slice(1).filter((f) => !JSON.stringify(f['type']).includes('"name"'));
}

/** The changes teams make to Avro events, compatible and not, in rough proportion. */
const AVRO_MUTATIONS: Mutation[] = [
  (s, _r, n) => {
    (s['fields'] as JsonObject[]).push({ name: `added${n}`, type: ['null', 'string'], default: null, doc: 'Added later.' });
    return 'optional field added';
  },
  (s, _r, n) => {
    (s['fields'] as JsonObject[]).push({ name: `required${n}`, type: 'string', doc: 'Added without a default.' });
    return 'field added without default';
  },
  (s, r) => {
    const field = pick(r, plainFields(s));
    if (!field) return undefined;
    s['fields'] = (s['fields'] as JsonObject[]).filter((f) => f !== field);
    return 'field removed';
  },
  (s, r) => {
    const field = pick(r, (s['fields'] as JsonObject[]).filter((f) => f['type'] === 'int' || f['type'] === 'string'));
    if (!field) return undefined;
    field['type'] = field['type'] === 'int' ? 'long' : 'bytes';
    return 'type promoted';
  },
  (s, r) => {
    const field = pick(r, plainFields(s));
    if (!field) return undefined;
    field['type'] = 'double';
    return 'type changed';
  },
  (s, r, n) => {
    const field = pick(r, (s['fields'] as JsonObject[]).slice(1));
    if (!field) return undefined;
    field['aliases'] = [String(field['name'])];
    field['name'] = `renamed${n}`;
    return 'field renamed with alias';
  },
];

const JSON_MUTATIONS: Mutation[] = [
  (s, _r, n) => {
    (s['properties'] as JsonObject)[`added${n}`] = { type: 'string', maxLength: 64, description: 'Added later.' };
    return 'optional property added';
  },
  (s, _r, n) => {
    (s['properties'] as JsonObject)[`required${n}`] = { type: 'string', description: 'Required later.' };
    (s['required'] as string[] | undefined)?.push(`required${n}`);
    return 'required property added';
  },
  (s, r) => {
    const names = Object.keys(s['properties'] as JsonObject).slice(1);
    if (names.length === 0) return undefined;
    const name = pick(r, names);
    delete (s['properties'] as JsonObject)[name];
    if (Array.isArray(s['required'])) s['required'] = (s['required'] as string[]).filter((x) => x !== name);
    return 'property removed';
  },
  (s, r) => {
    const property = pick(r, Object.values(s['properties'] as JsonObject).slice(1)) as JsonObject | undefined;
    if (!property) return undefined;
    property['type'] = property['type'] === 'integer' ? 'number' : 'integer';
    return 'type changed';
  },
  (s, r) => {
    const strings = Object.values(s['properties'] as JsonObject).filter((p) => (p as JsonObject)['type'] === 'string') as JsonObject[];
    const property = pick(r, strings);
    if (!property) return undefined;
    property['maxLength'] = r() < 0.5 ? 10 : 10_000;
    return 'maxLength changed';
  },
  (s, r) => {
    const required = s['required'] as string[] | undefined;
    if (!required || required.length < 2) return undefined;
    required.splice(1 + Math.floor(r() * (required.length - 1)), 1);
    return 'property made optional';
  },
  (s, r) => {
    const withEnum = Object.values(s['properties'] as JsonObject).filter((p) => Array.isArray((p as JsonObject)['enum'])) as JsonObject[];
    const property = pick(r, withEnum);
    if (!property) return undefined;
    property['enum'] = [...(property['enum'] as Json[]), 'added_value'];
    return 'enum value added';
  },
];

/**
 * Evolutions of the example contracts: each event version mutated the ways teams change events,
 * so the corpus has the shape, size and nesting of real schemas rather than of random ones.
 */
export function evolutionCorpus(events: readonly EventVersion[], count: number, format: 'avro' | 'json', seed = 42): Evolution[] {
  const random = mulberry32(seed);
  const bases = events.filter((e) => e.format === format);
  const mutations = format === 'avro' ? AVRO_MUTATIONS : JSON_MUTATIONS;
  const corpus: Evolution[] = [];
  for (let serial = 0; corpus.length < count; serial++) {
    const base = bases[serial % bases.length]!;
    const next = clone(base.schema) as JsonObject;
    const applied: string[] = [];
    for (let step = 0; step < 1 + Math.floor(random() * 2); step++) {
      const change = pick(random, mutations)(next, random, serial * 10 + step);
      if (change) applied.push(change);
    }
    if (applied.length > 0) corpus.push({ format, previous: base.schema, next, change: applied.join(', ') });
  }
  return corpus;
}
