/**
 * The two JS clients the design names, unchanged and unconfigured beyond the URL, against
 * herald's registry: every call API.md lists as something they depend on.
 */
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import {
  AvroDeserializer,
  Compatibility,
  AvroSerializer,
  JsonDeserializer,
  JsonSerializer,
  RestError,
  SchemaRegistryClient,
  SerdeType,
} from '@confluentinc/schemaregistry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient, RegistryHttpError, RegistryUnreachableError } from '../../generator/registry/client.js';
import { avroRecord, http, startPostgresTestRegistry, startTestRegistry, uniqueSubject, type TestRegistry } from './helpers.js';

let registry: TestRegistry;

const orderV1 = avroRecord('OrderPlaced', [
  { name: 'orderId', type: 'string' },
  { name: 'total', type: 'long' },
]);
const orderV2 = avroRecord('OrderPlaced', [
  { name: 'orderId', type: 'string' },
  { name: 'total', type: 'long' },
  { name: 'coupon', type: ['null', 'string'], default: null },
]);

// Every client test runs against both stores: the embedded one and a fresh PostgreSQL database.
describe.each(['embedded', 'postgres'] as const)('on the %s store', (store) => {
  beforeAll(async () => {
    registry = store === 'embedded' ? await startTestRegistry() : await startPostgresTestRegistry();
  });

  afterAll(async () => {
    await registry?.dispose();
  });

  describe('@kafkajs/confluent-schema-registry', () => {
    it('registers, reads back ids, and round-trips an Avro message', async () => {
      const client = new SchemaRegistry({ host: registry.url });
      const subject = uniqueSubject('kafkajs');
      const { id } = await client.register({ type: SchemaType.AVRO, schema: orderV1 }, { subject });
      expect(id).toBeGreaterThan(0);
      // It reads the subject config first and sets BACKWARD on a new subject.
      expect((await http(registry.url, 'GET', `/config/${subject}`)).body).toEqual({ compatibilityLevel: 'BACKWARD' });
      expect(await client.getLatestSchemaId(subject)).toBe(id);
      expect(await client.getRegistryId(subject, 1)).toBe(id);
      expect(await client.getRegistryIdBySchema(subject, { type: SchemaType.AVRO, schema: orderV1 })).toBe(id);

      const again = await client.register({ type: SchemaType.AVRO, schema: orderV1 }, { subject });
      expect(again.id).toBe(id);
      const { id: id2 } = await client.register({ type: SchemaType.AVRO, schema: orderV2 }, { subject });
      expect(id2).not.toBe(id);
      expect(await client.getLatestSchemaId(subject)).toBe(id2);

      const encoded = await client.encode(id, { orderId: 'o-1', total: 1999 });
      expect(encoded[0]).toBe(0);
      expect(encoded.readInt32BE(1)).toBe(id);
      // A fresh client has no cache, so decode must fetch the writer schema by id.
      const decoded = await new SchemaRegistry({ host: registry.url }).decode(encoded);
      expect(decoded).toEqual({ orderId: 'o-1', total: 1999 });
    });

    it('refuses an incompatible schema with status 409', async () => {
      const client = new SchemaRegistry({ host: registry.url });
      const subject = uniqueSubject('kafkajs');
      await client.register({ type: SchemaType.AVRO, schema: orderV1 }, { subject });
      const breaking = avroRecord('OrderPlaced', [{ name: 'orderId', type: 'int' }]);
      await expect(client.register({ type: SchemaType.AVRO, schema: breaking }, { subject })).rejects.toMatchObject({ status: 409 });
    });

    it('resolves references when decoding', async () => {
      const client = new SchemaRegistry({ host: registry.url });
      const money = avroRecord('Money', [
        { name: 'amount', type: 'long' },
        { name: 'currency', type: 'string' },
      ], 'com.acme.shared');
      const moneySubject = uniqueSubject('money');
      await client.register({ type: SchemaType.AVRO, schema: money }, { subject: moneySubject });
      const invoice = JSON.stringify({
        type: 'record',
        name: 'Invoice',
        namespace: 'com.acme',
        fields: [
          { name: 'id', type: 'string' },
          { name: 'amount', type: 'com.acme.shared.Money' },
        ],
      });
      const { id } = await client.register(
        { type: SchemaType.AVRO, schema: invoice, references: [{ name: 'com.acme.shared.Money', subject: moneySubject, version: 1 }] },
        { subject: uniqueSubject('invoice') },
      );
      const message = { id: 'inv-1', amount: { amount: 500, currency: 'EUR' } };
      const encoded = await client.encode(id, message);
      expect(await new SchemaRegistry({ host: registry.url }).decode(encoded)).toEqual(message);
    });

    it('registers and round-trips a JSON Schema', async () => {
      const client = new SchemaRegistry({ host: registry.url });
      const schema = JSON.stringify({ type: 'object', properties: { name: { type: 'string' } }, required: ['name'] });
      const { id } = await client.register({ type: SchemaType.JSON, schema }, { subject: uniqueSubject('kafkajs-json') });
      const encoded = await client.encode(id, { name: 'x' });
      expect(await new SchemaRegistry({ host: registry.url }).decode(encoded)).toEqual({ name: 'x' });
    });

    it('still registers when the global level is not BACKWARD, because subject config answers 404', async () => {
      const client = new SchemaRegistry({ host: registry.url });
      const subject = uniqueSubject('kafkajs');
      await http(registry.url, 'PUT', '/config', { compatibility: 'FULL' });
      try {
        await expect(client.register({ type: SchemaType.AVRO, schema: orderV1 }, { subject })).resolves.toMatchObject({ id: expect.any(Number) });
      } finally {
        await http(registry.url, 'DELETE', '/config');
      }
    });
  });

  describe('@confluentinc/schemaregistry', () => {
    function newClient(): SchemaRegistryClient {
      return new SchemaRegistryClient({ baseURLs: [registry.url], maxRetries: 0 });
    }

    it('covers register, reads, versions, compatibility, config, subjects and deletes', async () => {
      const client = newClient();
      const subject = uniqueSubject('confluent');
      const info = { schemaType: 'AVRO', schema: orderV1 };
      const id = await client.register(subject, info);
      expect(id).toBeGreaterThan(0);

      const byId = await client.getBySubjectAndId(subject, id);
      expect(JSON.parse(byId.schema)).toEqual(JSON.parse(orderV1));
      // The deserializer's hint names a subject that need not hold the id.
      expect((await newClient().getBySubjectAndId('unrelated-topic-value', id)).schema).toBe(byId.schema);

      const latest = await client.getLatestSchemaMetadata(subject);
      expect(latest).toMatchObject({ id, version: 1, schemaType: 'AVRO' });
      expect(await client.getVersion(subject, info)).toBe(1);
      expect(await client.getId(subject, info)).toBe(id);
      expect(await client.getSchemaMetadata(subject, 1)).toMatchObject({ id, version: 1 });
      expect(await client.getAllVersions(subject)).toEqual([1]);

      expect(await client.testCompatibility(subject, 1, { schemaType: 'AVRO', schema: orderV2 })).toBe(true);
      expect(await client.testSubjectCompatibility(subject, { schemaType: 'AVRO', schema: avroRecord('OrderPlaced', [{ name: 'orderId', type: 'int' }]) })).toBe(false);

      await expect(client.getConfig(subject)).rejects.toMatchObject({ status: 404, errorCode: 40408 });
      const updated = await client.updateConfig(subject, { compatibility: Compatibility.FULL });
      expect(updated).toMatchObject({ compatibility: 'FULL' });
      expect(await client.getConfig(subject)).toMatchObject({ compatibilityLevel: 'FULL' });
      expect(await client.getCompatibility(subject)).toBe('FULL');
      expect(await client.getDefaultCompatibility()).toBe('BACKWARD');

      const id2 = await client.register(subject, { schemaType: 'AVRO', schema: orderV2 });
      expect(id2).not.toBe(id);
      expect(await client.getAllSubjects()).toContain(subject);

      expect(await client.deleteSubjectVersion(subject, 2)).toBe(2);
      expect(await client.deleteSubject(subject)).toEqual([1]);
      expect(await client.getAllSubjects()).not.toContain(subject);
      expect(await client.deleteSubject(subject, true)).toEqual([1, 2]);
    });

    it('exposes Confluent error codes through RestError', async () => {
      const client = newClient();
      const subject = uniqueSubject('confluent');
      await client.register(subject, { schemaType: 'AVRO', schema: orderV1 });
      const failure = await client.register(subject, { schemaType: 'AVRO', schema: '{"type":"record"' }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(RestError);
      expect(failure).toMatchObject({ status: 422, errorCode: 42201 });
      const conflict = await client.register(subject, { schemaType: 'AVRO', schema: avroRecord('OrderPlaced', [{ name: 'orderId', type: 'int' }]) }).catch((e: unknown) => e);
      expect(conflict).toMatchObject({ status: 409, errorCode: 409 });
      await expect(client.getLatestSchemaMetadata(uniqueSubject('none'))).rejects.toMatchObject({ status: 404, errorCode: 40401 });
    });

    it('round-trips Avro through AvroSerializer and AvroDeserializer (TopicNameStrategy via associations)', async () => {
      const client = newClient();
      const topic = uniqueSubject('orders');
      await client.register(`${topic}-value`, { schemaType: 'AVRO', schema: orderV1 });
      const serializer = new AvroSerializer(client, SerdeType.VALUE, { useLatestVersion: true });
      const bytes = await serializer.serialize(topic, { orderId: 'o-7', total: 42 });
      expect(bytes[0]).toBe(0);
      const deserializer = new AvroDeserializer(newClient(), SerdeType.VALUE, {});
      expect(await deserializer.deserialize(topic, bytes)).toEqual({ orderId: 'o-7', total: 42 });
    });

    it('auto-registers inferred schemas from the serializer', async () => {
      const client = newClient();
      const topic = uniqueSubject('auto');
      const serializer = new AvroSerializer(client, SerdeType.VALUE, { autoRegisterSchemas: true });
      const bytes = await serializer.serialize(topic, { name: 'n', count: 3 });
      expect((await http<number[]>(registry.url, 'GET', `/subjects/${topic}-value/versions`)).body).toEqual([1]);
      const deserializer = new AvroDeserializer(newClient(), SerdeType.VALUE, {});
      expect(await deserializer.deserialize(topic, bytes)).toEqual({ name: 'n', count: 3 });
    });

    it('round-trips JSON through JsonSerializer and JsonDeserializer', async () => {
      const client = newClient();
      const topic = uniqueSubject('json');
      const schema = JSON.stringify({ type: 'object', properties: { id: { type: 'string' } }, required: ['id'] });
      await client.register(`${topic}-value`, { schemaType: 'JSON', schema });
      const serializer = new JsonSerializer(client, SerdeType.VALUE, { useLatestVersion: true, validate: true });
      const bytes = await serializer.serialize(topic, { id: 'j-1' });
      const deserializer = new JsonDeserializer(newClient(), SerdeType.VALUE, {});
      expect(await deserializer.deserialize(topic, bytes)).toEqual({ id: 'j-1' });
    });
  });

  describe("herald's RegistryClient", () => {
    it('registers, looks up, reads history and checks compatibility', async () => {
      const client = new RegistryClient({ url: registry.url });
      const subject = uniqueSubject('herald');
      expect(await client.listVersions(subject)).toEqual([]);
      expect(await client.getLatest(subject)).toBeUndefined();
      expect(await client.lookup(subject, { schema: orderV1 })).toBeUndefined();
      expect(await client.getConfig(subject)).toBeUndefined();

      const { id } = await client.register(subject, { schema: orderV1 });
      expect(await client.register(subject, { schema: orderV1 })).toMatchObject({ id });
      expect(await client.lookup(subject, { schema: orderV1 })).toMatchObject({ id, version: 1 });
      await client.register(subject, { schema: orderV2 });
      expect((await client.getHistory(subject)).map((s) => s.version)).toEqual([1, 2]);
      expect(await client.getLatest(subject)).toMatchObject({ version: 2 });
      expect((await client.getSchemaById(id)).schemaType).toBe('AVRO');

      expect(await client.checkCompatibility(subject, { schema: orderV2 })).toEqual({ compatible: true, messages: [] });
      const verdict = await client.checkCompatibility(subject, { schema: avroRecord('OrderPlaced', [{ name: 'orderId', type: 'int' }]) }, { version: 1 });
      expect(verdict.compatible).toBe(false);
      expect(verdict.messages.length).toBeGreaterThan(0);

      expect(await client.setCompatibility(subject, 'FULL_TRANSITIVE')).toEqual({ compatibility: 'FULL_TRANSITIVE' });
      expect(await client.getConfig(subject)).toEqual({ compatibilityLevel: 'FULL_TRANSITIVE' });
      expect(await client.getConfig(uniqueSubject(), { defaultToGlobal: true })).toEqual({ compatibilityLevel: 'BACKWARD' });
      expect(await client.getMode(subject)).toEqual({ mode: 'READWRITE' });

      const json = await client.register(uniqueSubject('herald-json'), { schema: '{"type":"object"}', schemaType: 'JSON' });
      expect((await client.getSchemaById(json.id)).schemaType).toBe('JSON');
      expect(await client.deleteVersion(subject, 'latest')).toBe(2);
      expect(await client.deleteSubject(subject)).toEqual([1]);
      expect(await client.deleteSubject(subject, { permanent: true })).toEqual([1, 2]);
    });

    it('maps error bodies to RegistryHttpError with the Confluent error_code', async () => {
      const client = new RegistryClient({ url: `${registry.url}/` });
      const subject = uniqueSubject('herald');
      await client.register(subject, { schema: orderV1 });
      const incompatible = await client.register(subject, { schema: avroRecord('OrderPlaced', [{ name: 'orderId', type: 'int' }]) }).catch((e: unknown) => e);
      expect(incompatible).toBeInstanceOf(RegistryHttpError);
      expect(incompatible).toMatchObject({ status: 409, errorCode: 409, method: 'POST' });
      await expect(client.register(subject, { schema: '{' })).rejects.toMatchObject({ status: 422, errorCode: 42201 });
      await expect(client.getVersion(subject, 9)).rejects.toMatchObject({ status: 404, errorCode: 40402 });
      await expect(client.setCompatibility(subject, 'SIDEWAYS' as never)).rejects.toMatchObject({ errorCode: 42203 });
    });

    it('retries 503s, reports non-Confluent error bodies by status, and names unreachable registries', async () => {
      let calls = 0;
      const flaky: typeof fetch = async () => {
        calls++;
        return calls < 3 ? new Response('<html>busy</html>', { status: 503 }) : new Response('[1]', { status: 200 });
      };
      expect(await new RegistryClient({ url: 'http://registry.invalid', fetch: flaky }).listSubjects()).toEqual([1]);
      expect(calls).toBe(3);
      const broken: typeof fetch = async () => new Response('<html>gateway</html>', { status: 502 });
      await expect(new RegistryClient({ url: 'http://registry.invalid', fetch: broken, retries: 0 }).listSubjects()).rejects.toMatchObject({
        status: 502,
        errorCode: 502,
      });
      const closed = new RegistryClient({ url: 'http://127.0.0.1:1', retries: 0 });
      await expect(closed.listSubjects()).rejects.toBeInstanceOf(RegistryUnreachableError);
    });

    it('sends credentials given in the URL as HTTP Basic', async () => {
      let seen: string | null = null;
      const capture: typeof fetch = async (_url, init) => {
        seen = new Headers(init?.headers).get('authorization');
        return new Response('[]', { status: 200 });
      };
      const client = new RegistryClient({ url: 'http://ci:s%40cret@registry.example:8081', fetch: capture });
      await client.listSubjects();
      expect(client.baseUrl).toBe('http://registry.example:8081');
      expect(seen).toBe(`Basic ${Buffer.from('ci:s@cret').toString('base64')}`);
    });
  });
});
