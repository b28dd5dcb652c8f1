/**
 * Schema text in, canonical text and identity out: the rules that decide which registrations share
 * an id, without a server. Also content negotiation, which decides what every client gets back.
 */
import { describe, expect, it } from 'vitest';
import { RegistryError } from '../../generator/registry/errors.js';
import { parseLossless, stringifyLossless } from '../../generator/registry/lossless-json.js';
import { comparableSchema, parseSchemaType, prepareSchema, type ResolvedReference } from '../../generator/registry/schema-text.js';
import { negotiate } from '../../generator/registry/server/negotiation.js';
import { parseVersionId } from '../../generator/registry/service.js';

function avro(schema: unknown, references: ResolvedReference[] = [], normalize = false) {
  return prepareSchema({ schemaType: 'AVRO', schema: typeof schema === 'string' ? schema : JSON.stringify(schema), references }, normalize);
}

describe('Avro canonical text (Avro Java Schema.toString)', () => {
  it('orders attributes as Java does and drops the namespace where it is inherited', () => {
    const prepared = avro({
      fields: [
        { default: 0, type: 'int', name: 'a', doc: 'count' },
        { name: 'e', type: { symbols: ['X', 'Y'], name: 'E', type: 'enum' } },
      ],
      namespace: 'com.acme',
      name: 'R',
      type: 'record',
      doc: 'a record',
    });
    expect(prepared.schema).toBe(
      '{"type":"record","name":"R","namespace":"com.acme","doc":"a record","fields":[{"name":"a","type":"int","doc":"count","default":0},{"name":"e","type":{"type":"enum","name":"E","symbols":["X","Y"]}}]}',
    );
  });

  it('writes a named type once and refers to it by its shortest correct name afterwards', () => {
    const prepared = avro({
      type: 'record',
      name: 'a.Outer',
      fields: [
        { name: 'x', type: { type: 'fixed', name: 'b.Hash', size: 4 } },
        { name: 'y', type: 'b.Hash' },
        { name: 'z', type: { type: 'record', name: 'Inner', fields: [{ name: 'h', type: 'b.Hash' }] } },
        { name: 'w', type: 'Inner' },
      ],
    });
    expect(JSON.parse(prepared.schema)).toEqual({
      type: 'record',
      name: 'Outer',
      namespace: 'a',
      fields: [
        { name: 'x', type: { type: 'fixed', name: 'Hash', namespace: 'b', size: 4 } },
        { name: 'y', type: 'b.Hash' },
        { name: 'z', type: { type: 'record', name: 'Inner', fields: [{ name: 'h', type: 'b.Hash' }] } },
        { name: 'w', type: 'Inner' },
      ],
    });
  });

  it('keeps custom properties and logical types, drops what Java drops, and writes non-default order', () => {
    const prepared = avro({
      type: 'record',
      name: 'P',
      'connect.name': 'p',
      fields: [
        { name: 'ts', type: { type: 'long', logicalType: 'timestamp-millis', doc: 'dropped' } },
        { name: 's', type: { type: 'string' }, order: 'DESCENDING', aliases: ['old_s'] },
        { name: 'm', type: { type: 'map', values: 'int', doc: 'dropped' } },
      ],
      aliases: ['Old'],
    });
    expect(prepared.schema).toBe(
      '{"type":"record","name":"P","fields":[{"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"s","type":"string","order":"descending","aliases":["old_s"]},{"name":"m","type":{"type":"map","values":"int"}}],"connect.name":"p","aliases":["Old"]}',
    );
  });

  it('marks a null namespace inside a namespaced record with ""', () => {
    const prepared = avro({
      type: 'record',
      name: 'ns.Outer',
      fields: [{ name: 'g', type: { type: 'record', name: 'Global', namespace: '', fields: [] } }],
    });
    expect(JSON.parse(prepared.schema).fields[0].type).toEqual({ type: 'record', name: 'Global', namespace: '', fields: [] });
  });

  it('gives the same fingerprint to equivalent texts and different ones otherwise', () => {
    const a = avro('{"type":"record","name":"A","namespace":"n","fields":[{"name":"x","type":"string"}]}');
    const b = avro('{ "name": "n.A", "type": "record", "fields": [ { "type": { "type": "string" }, "name": "x" } ] }');
    const c = avro('{"type":"record","name":"A","namespace":"n","fields":[{"name":"x","type":"bytes"}]}');
    expect(b.fingerprint).toBe(a.fingerprint);
    expect(b.guid).toBe(a.guid);
    expect(c.fingerprint).not.toBe(a.fingerprint);
    expect(a.guid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-3[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('distinguishes schema types, references, metadata and rule sets', () => {
    const text = '{"type":"string"}';
    const base = prepareSchema({ schemaType: 'AVRO', schema: text, references: [] }, false);
    const json = prepareSchema({ schemaType: 'JSON', schema: text, references: [] }, false);
    const withMetadata = prepareSchema({ schemaType: 'AVRO', schema: text, references: [], metadata: { properties: { a: '1' } } }, false);
    const withRules = prepareSchema({ schemaType: 'AVRO', schema: text, references: [], ruleSet: { domainRules: [] } }, false);
    expect(new Set([base, json, withMetadata, withRules].map((p) => p.fingerprint)).size).toBe(4);
    expect(base.schema).toBe('"string"');
  });

  it('sorts custom properties only when normalizing', () => {
    const a = '{"type":"record","name":"P","fields":[],"b":1,"a":2}';
    expect(avro(a).schema).toBe('{"type":"record","name":"P","fields":[],"b":1,"a":2}');
    expect(avro(a, [], true).schema).toBe('{"type":"record","name":"P","fields":[],"a":2,"b":1}');
  });

  it('resolves named types from references and inlines them for the compatibility engines', () => {
    const money: ResolvedReference = {
      name: 'shared.Money',
      subject: 'money',
      version: 1,
      schemaType: 'AVRO',
      schema: '{"type":"record","name":"Money","namespace":"shared","fields":[{"name":"cents","type":"long"}]}',
      references: [],
    };
    const text = '{"type":"record","name":"Invoice","namespace":"billing","fields":[{"name":"a","type":"shared.Money"},{"name":"b","type":"shared.Money"}]}';
    const prepared = avro(text, [money]);
    expect(prepared.schema).toBe(text);
    expect(prepared.references).toEqual([{ name: 'shared.Money', subject: 'money', version: 1 }]);
    expect(() => avro(text)).toThrow(RegistryError);
    expect(comparableSchema('AVRO', text, [money])).toEqual({
      type: 'record',
      name: 'billing.Invoice',
      fields: [
        { name: 'a', type: { type: 'record', name: 'shared.Money', fields: [{ name: 'cents', type: 'long' }] } },
        { name: 'b', type: 'shared.Money' },
      ],
    });
  });

  it('rejects what Avro Java rejects', () => {
    for (const bad of [
      '{"type":"record","fields":[]}',
      '{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"a","type":"int"}]}',
      '{"type":"enum","name":"E","symbols":["A","A"]}',
      '{"type":"fixed","name":"F"}',
      '{"type":"record","name":"R","fields":[{"name":"n","type":"long","default":99999999999999999999}]}',
      '"nothing"',
    ]) {
      expect(() => avro(bad), bad).toThrow(/Invalid schema/);
    }
  });
});

describe('JSON Schema text', () => {
  it('keeps the author key order and numbers as written, sorted keys when normalizing', () => {
    const text = '{ "type": "object", "properties": { "n": { "maximum": 1.50, "type": "number" } } }';
    expect(prepareSchema({ schemaType: 'JSON', schema: text, references: [] }, false).schema).toBe(
      '{"type":"object","properties":{"n":{"maximum":1.50,"type":"number"}}}',
    );
    expect(prepareSchema({ schemaType: 'JSON', schema: text, references: [] }, true).schema).toBe(
      '{"properties":{"n":{"maximum":1.50,"type":"number"}},"type":"object"}',
    );
  });

  it('accepts Java-only regular expressions and unknown keywords', () => {
    const text = '{"type":"string","pattern":"^\\\\p{Alpha}++$","x-owner":"team"}';
    expect(prepareSchema({ schemaType: 'JSON', schema: text, references: [] }, false).schema).toBe(text);
  });
});

describe('parsing helpers', () => {
  it('parses schema types as Confluent does', () => {
    expect(parseSchemaType(undefined)).toBe('AVRO');
    expect(parseSchemaType('JSON')).toBe('JSON');
    expect(() => parseSchemaType('PROTOBUF')).toThrow(/Invalid schema type PROTOBUF/);
    expect(() => parseSchemaType('json')).toThrow(RegistryError);
  });

  it('parses version ids as Confluent does', () => {
    expect(parseVersionId('latest')).toBe('latest');
    expect(parseVersionId('Latest')).toBe('latest');
    expect(parseVersionId('-1')).toBe('latest');
    expect(parseVersionId('2147483647')).toBe(2147483647);
    for (const bad of ['0', '-2', '2147483648', 'one', '', '1e3']) expect(() => parseVersionId(bad), bad).toThrow(/not a valid version id/);
  });

  it('round-trips JSON losslessly and refuses what JSON.parse refuses', () => {
    for (const text of ['{"a":[1,2.50,-0,1e400,"x\\u0000"],"__proto__":{"b":null}}', '9223372036854775807', '"s"']) {
      expect(stringifyLossless(parseLossless(text))).toBe(text.replace(/\s/g, ''));
    }
    expect(Object.getPrototypeOf(parseLossless('{"__proto__":{"polluted":true}}'))).toBe(Object.prototype);
    for (const bad of ['{', '[1,]', '{"a" 1}', '01', 'tru', '"\u0001"', '{} x', '']) expect(() => parseLossless(bad), bad).toThrow();
  });
});

describe('content negotiation', () => {
  it.each([
    [undefined, 'application/vnd.schemaregistry.v1+json'],
    ['*/*', 'application/vnd.schemaregistry.v1+json'],
    ['application/json', 'application/json'],
    ['application/json, text/plain, */*', 'application/json'],
    ['text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2', 'application/vnd.schemaregistry.v1+json'],
    ['application/*', 'application/vnd.schemaregistry.v1+json'],
    ['application/json;q=0.1, application/vnd.schemaregistry+json', 'application/vnd.schemaregistry+json'],
    ['application/json;q=0, */*;q=0.1', 'application/vnd.schemaregistry.v1+json'],
    ['text/html', undefined],
  ])('Accept %s → %s', (accept, expected) => {
    expect(negotiate(accept)).toBe(expected);
  });
});
