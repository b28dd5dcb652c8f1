import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import avro from 'avsc';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { frame, unframe } from '../../runtime/wire-format.js';
import type { EventCodec, WriterSchema } from '../../runtime/api.js';
import { measure, report, type BenchSuite } from '../harness.js';

/**
 * Serde throughput of the generated codecs against the libraries they sit on, in the same run:
 * raw avsc with the 5-byte header, raw ajv + JSON, and @kafkajs/confluent-schema-registry (its
 * schema cache filled, as after the first fetch from a registry). `encode` is the codec's
 * `encodeFramed` (header and body in one buffer, what a publisher sends); `encode-then-frame` is
 * `frame(id, codec.encode(value))`. `decode` is `unframe` + `codec.decode` with the writer known.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);

/** A realistic ProjectCreated.v2 (Avro, ~300 bytes with the header). */
const projectCreated = {
  projectId: '7d1c0f5e-6a55-4a43-9b37-2a3f1c9f3b10',
  projectCode: 'ACME-0042',
  name: 'Riverside bridge refurbishment, phase 2',
  description: 'Replacement of the deck expansion joints; night closures only.',
  clientId: '0b8f6a0e-2f0c-4a8d-9a43-5c7c1a7e0d51',
  ownerUserId: 'c3a1f9d2-7b44-4e0b-8a61-0f2e5d9c6b37',
  visibility: 'CLIENT_PORTAL',
  startDate: 20150,
  dueDate: 20400,
  occurredAt: 1_740_000_000_000,
  budget: '1250000.00',
  budgetCurrency: 'EUR',
  tags: ['infrastructure', 'bridge', 'night-work'],
  parentProjectId: null,
};

/** A realistic PaymentProcessed.v2 (JSON, ~550 bytes). */
const paymentProcessed = {
  paymentId: '5b0e4f3a-9d7c-4e21-8a6f-3c2b1d0e9f87',
  orderId: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
  customerId: '0b8f6a0e-2f0c-4a8d-9a43-5c7c1a7e0d51',
  amount: { value: '1234.50', currency: 'EUR' },
  status: 'captured',
  method: { type: 'card', brand: 'visa', last4: '4242', expiryMonth: 12, expiryYear: 2027, threeDSecure: true },
  provider: 'stripe',
  providerReference: 'pi_3Nq8Xj2eZvKYlo2C1x9a8b7c',
  failure: null,
  valueDate: '2025-03-04',
  metadata: { riskScore: '12', channel: 'client-portal' },
  occurredAt: '2025-03-03T10:15:30.123Z',
};

async function codec(domain: string, name: string): Promise<EventCodec<unknown>> {
  const module = (await import(path.join(root, 'generated', domain, 'codecs.ts'))) as Record<string, EventCodec<unknown>>;
  return module[name]!;
}

function registryWith(id: number, type: SchemaType, schemaText: string, options?: unknown): SchemaRegistry {
  const registry = new SchemaRegistry({ host: 'http://127.0.0.1:9' });
  // What the library caches after its first GET /schemas/ids/:id, so no request is made while measuring.
  const { schemaFromConfluentSchema } = require('@kafkajs/confluent-schema-registry/dist/schemaTypeResolver') as {
    schemaFromConfluentSchema: (schema: { type: SchemaType; schema: string }, options?: unknown) => unknown;
  };
  (registry as unknown as { cache: { setSchema(id: number, type: SchemaType, schema: unknown): void } }).cache.setSchema(id, type, schemaFromConfluentSchema({ type, schema: schemaText }, options));
  return registry;
}

/**
 * Measures two functions in alternating short windows and returns each one's median rate, so a
 * burst of load from other processes hits both sides alike instead of skewing one.
 */
async function interleaved(a: () => unknown, b: () => unknown, rounds = 11): Promise<[number, number]> {
  const ra: number[] = [];
  const rb: number[] = [];
  for (let i = 0; i < rounds; i++) {
    ra.push((await measure(a, { runs: 1, minMillis: 150 })).perSecond);
    rb.push((await measure(b, { runs: 1, minMillis: 150 })).perSecond);
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  return [median(ra), median(rb)];
}

const suite: BenchSuite = {
  description: 'generated Avro and JSON serde (encode/decode per second) against raw avsc, raw ajv + JSON and @kafkajs/confluent-schema-registry',
  async run() {

    // Avro: ProjectCreated.v2
    const avroCodec = await codec('project', 'projectCreatedV2');
    const avroWriter: WriterSchema = { id: 7, schema: avroCodec.schema, format: 'avro' };
    const rawType = avro.Type.forSchema(JSON.parse(avroCodec.schema) as avro.Schema);
    // Raw avsc takes the decimal as its two's-complement bytes (125000000 cents).
    const rawValue = { ...projectCreated, budget: Buffer.from([0x07, 0x73, 0x59, 0x40]) };
    const framed = frame(7, avroCodec.encode(projectCreated));
    const rawFramed = frame(7, rawType.toBuffer(rawValue));
    process.stdout.write(`# avro event: ProjectCreated.v2, ${framed.length} bytes framed\n`);
    // What a runtime publishes with: the codec's one-buffer encodeFramed (encode + frame is reported too).
    const encodeAvro = () => avroCodec.encodeFramed!(projectCreated, 7);
    const encodeThenFrameAvro = () => frame(7, avroCodec.encode(projectCreated));
    const decodeAvro = () => avroCodec.decode(unframe(framed).body, avroWriter);
    const [avroEncode, rawEncode] = await interleaved(encodeAvro, () => frame(7, rawType.toBuffer(rawValue)));
    const [avroEncodeThenFrame, rawEncodeB] = await interleaved(encodeThenFrameAvro, () => frame(7, rawType.toBuffer(rawValue)));
    const [avroDecode, rawDecode] = await interleaved(decodeAvro, () => rawType.fromBuffer(rawFramed.subarray(5)));
    const avroRegistry = registryWith(7, SchemaType.AVRO, avroCodec.schema);
    const [avroEncode2, regEncode] = await interleaved(encodeAvro, () => avroRegistry.encode(7, rawValue));
    const [avroDecode2, regDecode] = await interleaved(decodeAvro, () => avroRegistry.decode(rawFramed));
    report({ name: 'serde.avro.encode', value: avroEncode, unit: 'ops/s', baseline: 'avsc+header', baselineValue: rawEncode });
    report({ name: 'serde.avro.encode-then-frame', value: avroEncodeThenFrame, unit: 'ops/s', baseline: 'avsc+header', baselineValue: rawEncodeB });
    report({ name: 'serde.avro.decode', value: avroDecode, unit: 'ops/s', baseline: 'avsc+header', baselineValue: rawDecode });
    report({ name: 'serde.avro.encode', value: avroEncode2, unit: 'ops/s', baseline: 'confluent-schema-registry', baselineValue: regEncode });
    report({ name: 'serde.avro.decode', value: avroDecode2, unit: 'ops/s', baseline: 'confluent-schema-registry', baselineValue: regDecode });

    // JSON: PaymentProcessed.v2
    const jsonCodec = await codec('payment', 'paymentProcessedV2');
    const jsonWriter: WriterSchema = { id: 8, schema: jsonCodec.schema, format: 'json' };
    const ajv = new Ajv2020({ strict: false });
    addFormats.default(ajv);
    const { $id: _id, ...anonymous } = JSON.parse(jsonCodec.schema) as Record<string, unknown>;
    const rawValidate = ajv.compile(anonymous);
    const jsonFramed = frame(8, jsonCodec.encode(paymentProcessed));
    process.stdout.write(`# json event: PaymentProcessed.v2, ${jsonFramed.length} bytes framed\n`);
    const encodeJson = () => jsonCodec.encodeFramed!(paymentProcessed, 8);
    const encodeThenFrameJson = () => frame(8, jsonCodec.encode(paymentProcessed));
    const decodeJson = () => jsonCodec.decode(unframe(jsonFramed).body, jsonWriter);
    const [jsonEncode, rawJsonEncode] = await interleaved(encodeJson, () => {
      if (!rawValidate(paymentProcessed)) throw new Error('invalid');
      return frame(8, Buffer.from(JSON.stringify(paymentProcessed), 'utf8'));
    });
    const [jsonEncodeThenFrame, rawJsonEncodeB] = await interleaved(encodeThenFrameJson, () => {
      if (!rawValidate(paymentProcessed)) throw new Error('invalid');
      return frame(8, Buffer.from(JSON.stringify(paymentProcessed), 'utf8'));
    });
    const [jsonDecode, rawJsonDecode] = await interleaved(decodeJson, () => {
      const value: unknown = JSON.parse(jsonFramed.subarray(5).toString('utf8'));
      if (!rawValidate(value)) throw new Error('invalid');
      return value;
    });
    const jsonRegistry = registryWith(8, SchemaType.JSON, jsonCodec.schema, { [SchemaType.JSON]: { ajvInstance: ajv } });
    const [jsonEncode2, regJsonEncode] = await interleaved(encodeJson, () => jsonRegistry.encode(8, paymentProcessed));
    const [jsonDecode2, regJsonDecode] = await interleaved(decodeJson, () => jsonRegistry.decode(jsonFramed));
    report({ name: 'serde.json.encode', value: jsonEncode, unit: 'ops/s', baseline: 'ajv+JSON+header', baselineValue: rawJsonEncode });
    report({ name: 'serde.json.encode-then-frame', value: jsonEncodeThenFrame, unit: 'ops/s', baseline: 'ajv+JSON+header', baselineValue: rawJsonEncodeB });
    report({ name: 'serde.json.decode', value: jsonDecode, unit: 'ops/s', baseline: 'ajv+JSON+header', baselineValue: rawJsonDecode });
    report({ name: 'serde.json.encode', value: jsonEncode2, unit: 'ops/s', baseline: 'confluent-schema-registry', baselineValue: regJsonEncode });
    report({ name: 'serde.json.decode', value: jsonDecode2, unit: 'ops/s', baseline: 'confluent-schema-registry', baselineValue: regJsonDecode });
  },
};
export default suite;
