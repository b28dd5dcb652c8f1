/** The runtime's registry client against herald's own Confluent-compatible registry, over HTTP. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistryServer, type RunningRegistry } from '../../generator/registry/server/start.js';
import { HttpSchemaRegistry, SchemaRegistryError } from '../../runtime/registry/client.js';
import { createRuntime } from '../../runtime/runtime.js';
import { silentLogger } from '../../runtime/logger.js';
import { unframe } from '../../runtime/wire-format.js';
import type { MockCluster } from '../infra/kafka/cluster.js';
import { readWholeTopic } from '../infra/kafka/testing.js';
import { createScratchDatabase, type ScratchDatabase } from '../infra/postgres.js';
import { COUNTER_TYPE, counterCodec, handler, noteCodec, type CounterBumped } from './support/codecs.js';
import { mockKafka, quietKafka, waitUntil } from './support/env.js';

let database: ScratchDatabase;
let registry: RunningRegistry;
let cluster: MockCluster;
const TOPIC = 'registry.events';

beforeAll(async () => {
  database = await createScratchDatabase('herald_rtreg');
  [registry, cluster] = await Promise.all([
    startRegistryServer({ store: database.url, host: '127.0.0.1', port: 0, logger: false }),
    mockKafka([{ name: TOPIC, partitions: 2 }]),
  ]);
});
afterAll(async () => {
  await cluster?.stop();
  await registry?.close();
  await database?.drop();
});

/** The global fetch, counting the requests it makes (real HTTP, nothing mocked). */
function countingFetch(): { fetch: typeof fetch; requests: string[] } {
  const requests: string[] = [];
  return {
    requests,
    fetch: (input, init) => {
      requests.push(`${init?.method ?? 'GET'} ${new URL(String(input)).pathname}`);
      return fetch(input, init);
    },
  };
}

describe('HTTP schema registry client', () => {
  it('looks a schema up, registers it when missing, and caches the id', async () => {
    const counted = countingFetch();
    const client = new HttpSchemaRegistry({ url: `${registry.url}/`, fetch: counted.fetch });
    const codec = counterCodec('reg.a');
    const id = await client.idFor(codec.subject, codec.schema, 'avro');
    expect(counted.requests).toEqual([`POST /subjects/${codec.subject}`, `POST /subjects/${codec.subject}/versions`]);
    expect(await client.idFor(codec.subject, codec.schema, 'avro')).toBe(id);
    expect(counted.requests).toHaveLength(2);
    // A second client finds it by lookup alone.
    const other = countingFetch();
    expect(await new HttpSchemaRegistry({ url: registry.url, fetch: other.fetch, autoRegister: false }).idFor(codec.subject, codec.schema, 'avro')).toBe(id);
    expect(other.requests).toEqual([`POST /subjects/${codec.subject}`]);
    expect(client.schemaUri(id)).toBe(`${registry.url}/schemas/ids/${id}`);
  });

  it('refuses to register when autoRegister is off, and reads Avro and JSON writer schemas by id', async () => {
    const strict = new HttpSchemaRegistry({ url: registry.url, autoRegister: false });
    const note = noteCodec('reg.b');
    await expect(strict.idFor(note.subject, note.schema, 'json')).rejects.toThrow(/not registered under subject .*herald register/);
    const open = new HttpSchemaRegistry({ url: registry.url });
    const jsonId = await open.idFor(note.subject, note.schema, 'json');
    const avroId = await open.idFor(counterCodec('reg.b').subject, counterCodec('reg.b').schema, 'avro');
    const counted = countingFetch();
    const reader = new HttpSchemaRegistry({ url: registry.url, fetch: counted.fetch });
    const json = await reader.schemaById(jsonId);
    expect(json.format).toBe('json');
    expect(JSON.parse(json.schema)).toEqual(JSON.parse(note.schema));
    const avro = await reader.schemaById(avroId);
    expect(avro.format).toBe('avro');
    expect(JSON.parse(avro.schema)).toMatchObject({ name: 'CounterBumped' });
    await reader.schemaById(avroId);
    expect(counted.requests).toEqual([`GET /schemas/ids/${jsonId}`, `GET /schemas/ids/${avroId}`]);
    const missing = await reader.schemaById(987_654).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(SchemaRegistryError);
    expect(missing).toMatchObject({ status: 404, errorCode: 40403 });
  });

  it('does not cache a failure: an unreachable registry is asked again', async () => {
    let calls = 0;
    const client = new HttpSchemaRegistry({
      url: 'http://127.0.0.1:9',
      timeoutMs: 500,
      fetch: (input, init) => {
        calls++;
        return fetch(input, init);
      },
    });
    await expect(client.schemaById(1)).rejects.toThrow(/unreachable/);
    await expect(client.schemaById(1)).rejects.toThrow(/unreachable/);
    expect(calls).toBe(2);
  });

  it('publishes with the registry’s id in the wire format and ce_dataschema, and a consumer reads it back through the registry', async () => {
    const codec = counterCodec(TOPIC);
    const runtime = createRuntime({
      kafka: { kafka: quietKafka(cluster, 'registry-e2e') },
      registry: { url: registry.url },
      logger: silentLogger,
      consumer: { heartbeatIntervalMs: 500, maxWaitTimeMs: 100 },
    });
    const published = await runtime.publish(codec, { entityId: 'r-1', n: 1, note: 'via registry' });
    const id = await runtime.registry.idFor(codec.subject, codec.schema, 'avro');
    const [record] = await readWholeTopic(quietKafka(cluster, 'reader'), TOPIC);
    expect(unframe(record!.value).schemaId).toBe(id);
    expect(record!.headers!['ce_dataschema']?.toString()).toBe(`${registry.url}/schemas/ids/${id}`);

    const seen: Array<{ event: CounterBumped; writerSchemaId: number }> = [];
    const consumer = await runtime.consume(
      { groupId: 'g-registry' },
      { topic: TOPIC, readers: { [COUNTER_TYPE]: codec }, handlers: { [COUNTER_TYPE]: handler(async (event: CounterBumped, context) => void seen.push({ event, writerSchemaId: context.writerSchemaId })) } },
    );
    await waitUntil('the event', () => seen.length === 1);
    await consumer.stop();
    expect(seen).toEqual([{ event: { entityId: 'r-1', n: 1, note: 'via registry' }, writerSchemaId: id }]);
    expect(published.eventId).toMatch(/^[0-9a-f-]{36}$/);
    await runtime.close();
  });
});
