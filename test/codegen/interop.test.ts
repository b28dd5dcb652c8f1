/**
 * Interop with @kafkajs/confluent-schema-registry over herald's real Confluent-compatible registry
 * server (embedded PGlite store): every contract version is registered through the library, bytes
 * the generated serde writes (5-byte header + body) decode with the library's `decode` and
 * re-encode with its `encode` to the same bytes, and what the library encodes decodes with ours.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventCodec, WriterSchema } from 'herald/runtime';
import { startRegistryServer, type RunningRegistry } from '../../generator/registry/server/start.js';
import type { ContractSet, EventVersion } from '../../generator/contracts/model.js';
import { frame, unframe } from '../../runtime/wire-format.js';
import { exampleContracts, generatedCodecs } from './support.js';
import { avroRandom, jsonRandom, Random } from './random-values.js';

const SAMPLES = 40;
let dir: string;
let server: RunningRegistry;
let contracts: ContractSet;
let codecs: Map<string, EventCodec<unknown>>;
const ids = new Map<string, number>();
let registry07: SchemaRegistry;
let registry2020: SchemaRegistry;

function registryFor(event: EventVersion): SchemaRegistry {
  const declared = (event.schema as Record<string, unknown>)['$schema'];
  return typeof declared === 'string' && declared.includes('2020-12') ? registry2020 : registry07;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'herald-interop-'));
  server = await startRegistryServer({ store: path.join(dir, 'registry'), host: '127.0.0.1', port: 0, logger: false });
  contracts = await exampleContracts();
  codecs = await generatedCodecs(contracts);
  const ajv07 = new Ajv({ strict: false });
  addFormats.default(ajv07);
  const ajv2020 = new Ajv2020({ strict: false });
  addFormats.default(ajv2020);
  registry07 = new SchemaRegistry({ host: server.url }, { [SchemaType.JSON]: { ajvInstance: ajv07 } });
  registry2020 = new SchemaRegistry({ host: server.url }, { [SchemaType.JSON]: { ajvInstance: ajv2020 } });
  for (const event of contracts.events) {
    const type = event.format === 'avro' ? SchemaType.AVRO : SchemaType.JSON;
    const { id } = await registryFor(event).register({ type, schema: event.text }, { subject: event.subject });
    ids.set(event.label, id);
  }
}, 120_000);

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

function randomValid(event: EventVersion, codec: EventCodec<unknown>, random: Random): unknown {
  for (;;) {
    const value = event.format === 'avro' ? avroRandom(event.schema, random) : jsonRandom(event.schema as Record<string, unknown>, random);
    if (codec.validate(value).length === 0) return value;
  }
}

describe('interop with @kafkajs/confluent-schema-registry through herald’s registry', () => {
  it('registered every example version under its subject, one id each', () => {
    expect(ids.size).toBe(21);
    expect(new Set(ids.values()).size).toBe(21);
  });

  it('every example version: our bytes → library decode → library encode gives our bytes; library bytes decode with ours', async () => {
    for (const event of contracts.events) {
      const codec = codecs.get(event.label)!;
      const id = ids.get(event.label)!;
      const registry = registryFor(event);
      // The writer schema as a consumer's runtime gets it: the registry's answer for the id.
      const answer = (await (await fetch(`${server.url}/schemas/ids/${id}`)).json()) as { schema: string };
      const writer: WriterSchema = { id, schema: answer.schema, format: event.format };
      const random = new Random(id * 31 + event.version);
      for (let i = 0; i < SAMPLES; i++) {
        const value = randomValid(event, codec, random);
        const ours = frame(id, codec.encode(value));
        const decodedByLibrary: unknown = await registry.decode(ours);
        if (event.format === 'json') expect(decodedByLibrary, event.label).toEqual(value);
        const theirs = await registry.encode(id, decodedByLibrary);
        if (event.format === 'avro') expect(theirs.equals(ours), `${event.label}: byte-identical`).toBe(true);
        const { schemaId, body } = unframe(theirs);
        expect(schemaId).toBe(id);
        expect(codec.decode(body, writer), event.label).toEqual(value);
      }
    }
  }, 60_000);

  it('the library reads an older version into the latest (reader schema) like herald does', async () => {
    const v1 = contracts.events.find((e) => e.label === 'ProjectCreated.v1')!;
    const v2 = contracts.events.find((e) => e.label === 'ProjectCreated.v2')!;
    const codecV1 = codecs.get(v1.label)!;
    const codecV2 = codecs.get(v2.label)!;
    const random = new Random(99);
    const readV2 = { [SchemaType.AVRO]: { readerSchema: JSON.parse(v2.text) as Exclude<NonNullable<Parameters<SchemaRegistry['decode']>[1]>[SchemaType.AVRO], undefined>['readerSchema'] } };
    for (let i = 0; i < SAMPLES; i++) {
      const value = randomValid(v1, codecV1, random) as Record<string, unknown>;
      const bytes = frame(ids.get(v1.label)!, codecV1.encode(value));
      const library = (await registry07.decode(bytes, readV2)) as Record<string, unknown>;
      const ours = codecV2.decode(unframe(bytes).body, { id: ids.get(v1.label)!, schema: v1.text, format: 'avro' }) as Record<string, unknown>;
      expect(library['tags']).toEqual([]);
      expect(ours['tags']).toEqual([]);
      expect(ours['budget']).toBeNull();
      expect(library['projectId']).toBe(ours['projectId']);
      expect(library['startDate']).toBe(ours['startDate']);
    }
  });
});
