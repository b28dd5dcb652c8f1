import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import avro from 'avsc';
import { afterAll, describe, expect, it } from 'vitest';
import { loadContracts } from '../../generator/contracts/load.js';
import type { EventVersion } from '../../generator/contracts/model.js';
import { examplePayload } from '../../generator/docs/example-payload.js';
import { sampleForPattern } from '../../generator/docs/regex-sample.js';
import { REPO_ROOT } from '../support/cli.js';
import { writeSyntheticCorpus } from './synthetic-corpus.js';

/**
 * Independent checks: avsc's `isValid` for Avro (after reading the JSON encoding with
 * `fromString`), a fresh strict-format ajv for JSON Schema. The generator validates too, but it
 * must not be the only judge of its own output.
 */
function assertValid(event: EventVersion): void {
  const example = examplePayload(event.format, event.schema);
  expect(example.valid, `${event.label}: ${example.problems.join('; ')}`).toBe(true);
  if (event.format === 'avro') {
    const type = avro.Type.forSchema(event.schema as avro.Schema, { registry: {} });
    const value: unknown = type.fromString(example.json);
    expect(type.isValid(value), event.label).toBe(true);
  } else {
    const schema = event.schema as Record<string, unknown>;
    const declared = String(schema['$schema'] ?? '');
    const options = { strict: false, allErrors: true } as const;
    const ajv = declared.includes('2020-12') ? new Ajv2020(options) : declared.includes('2019-09') ? new Ajv2019(options) : new Ajv(options);
    addFormats.default(ajv);
    const { $id: _id, ...anonymous } = schema;
    const validate = ajv.compile(anonymous);
    const ok = validate(JSON.parse(example.json));
    expect(ok, `${event.label}: ${JSON.stringify(validate.errors)}`).toBe(true);
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

describe('example payloads', () => {
  it('are valid for every version of every example contract', async () => {
    const { contracts } = await loadContracts(REPO_ROOT);
    expect(contracts?.events.length).toBeGreaterThan(15);
    for (const event of contracts!.events) assertValid(event);
  });

  it('are valid across a synthetic corpus (Avro and JSON Schema 2020-12)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'herald-docs-corpus-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await writeSyntheticCorpus(dir, { schemas: 120, domains: 6, seed: 7 });
    const { contracts, diagnostics } = await loadContracts(dir);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    for (const event of contracts!.events) assertValid(event);
  });

  it('use Avro JSON encoding: wrapped unions with full names, decimals as bytes', () => {
    const schema = {
      type: 'record',
      name: 'E',
      namespace: 'com.x',
      fields: [
        { name: 'id', type: { type: 'string', logicalType: 'uuid' } },
        { name: 'maybe', type: ['null', 'string'], default: null },
        { name: 'choice', type: [{ type: 'record', name: 'A', fields: [{ name: 'a', type: 'int' }] }, { type: 'record', name: 'B', fields: [{ name: 'b', type: 'int' }] }] },
        { name: 'price', type: { type: 'bytes', logicalType: 'decimal', precision: 6, scale: 2 } },
        { name: 'code', type: 'string', doc: 'A code, e.g. "AB-12".' },
      ],
    };
    const example = examplePayload('avro', schema);
    const value = JSON.parse(example.json) as Record<string, unknown>;
    expect(example).toMatchObject({ valid: true, encoding: 'avro-json' });
    expect(value['maybe']).toEqual({ string: 'example maybe' });
    expect(value['choice']).toEqual({ 'com.x.A': { a: 42 } });
    expect(value['code']).toBe('AB-12');
    expect(value['id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // 1234.50 at scale 2 is the unscaled 123450 = 0x01E23A.
    expect([...(value['price'] as string)].map((c) => c.charCodeAt(0))).toEqual([0x01, 0xe2, 0x3a]);
  });

  it('terminate on recursive schemas', () => {
    const avroTree = { type: 'record', name: 'Node', fields: [{ name: 'children', type: { type: 'array', items: 'Node' } }, { name: 'parent', type: ['null', 'Node'], default: null }] };
    expect(examplePayload('avro', avroTree)).toMatchObject({ valid: true });
    const jsonTree = { type: 'object', properties: { next: { $ref: '#' }, name: { type: 'string' } }, required: ['name'] };
    expect(examplePayload('json', jsonTree)).toMatchObject({ valid: true });
  });

  it('say so instead of showing an invalid example', () => {
    const impossible = { type: 'object', properties: { a: { type: 'string', minLength: 5, maxLength: 2 } }, required: ['a'] };
    const example = examplePayload('json', impossible);
    expect(example.valid).toBe(false);
    expect(example.problems.length).toBeGreaterThan(0);
  });
});

describe('pattern samples', () => {
  it.each([
    ['^[A-Z]{3}$', 'ABC'],
    ['^-?(0|[1-9][0-9]{0,11})\\.[0-9]{2}$', undefined],
    ['^\\+[1-9][0-9]{6,14}$', undefined],
    ['^[a-z0-9]+([._-][a-z0-9]+)*$', undefined],
    ['^([01][0-9]|2[0-3]):[0-5][0-9]$', undefined],
    ['^[^@\\s]+@[^@\\s]+$', undefined],
    ['(?<year>\\d{4})-\\d{2}', undefined],
    ['\\u00e9t\\u00e9', 'été'],
  ])('%s', (pattern, exact) => {
    const sample = sampleForPattern(pattern);
    expect(sample).toBeDefined();
    expect(new RegExp(pattern, 'u').test(sample!)).toBe(true);
    if (exact) expect(sample).toBe(exact);
  });

  it('honours length bounds and gives up on what it cannot do', () => {
    expect(sampleForPattern('^[a-z]+$', { minLength: 5 })?.length).toBe(5);
    expect(sampleForPattern('^[a-z]{10}$', { maxLength: 3 })).toBeUndefined();
    expect(sampleForPattern('^(?=a)a$')).toBeUndefined();
    expect(sampleForPattern('(a)\\1')).toBeUndefined();
    expect(sampleForPattern('[')).toBeUndefined();
  });

  it('varies samples for unique array items', () => {
    const samples = new Set([0, 1, 2].map((variant) => sampleForPattern('^[a-z]{2}$', {}, variant)));
    expect(samples.size).toBe(3);
  });
});
