/**
 * Engine behaviour beyond Confluent's data files: direction, `$ref` and recursion, dialect quirks,
 * invalid input, and that realistic schemas stay fast.
 */
import { describe, expect, it } from 'vitest';
import { checkJsonPair } from '../../../generator/compat/json/check.js';
import { diffJsonSchemas } from '../../../generator/compat/json/diff.js';
import { isMultipleOf } from '../../../generator/compat/json/numbers.js';

const D2020 = 'https://json-schema.org/draft/2020-12/schema';

function changes(original: unknown, update: unknown): string[] {
  return diffJsonSchemas(original, update)
    .map((d) => `${d.type} ${d.path}`)
    .sort();
}

function object(properties: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'object', properties, ...extra };
}

describe('direction', () => {
  const narrow = object({ id: { type: 'integer' } });
  const wide = object({ id: { type: 'number' } });

  it('treats the writer as the original and the reader as the update', () => {
    expect(checkJsonPair(wide, narrow, 'STRICT')).toEqual([]);
    expect(checkJsonPair(narrow, wide, 'STRICT').map((f) => f.rule)).toEqual(['TYPE_NARROWED']);
    expect(changes(narrow, wide)).toEqual(['TYPE_EXTENDED #/properties/id']);
  });
});

describe('$ref', () => {
  it('follows definitions, $defs (also into definitions, as Confluent bridges them) and chains of refs', () => {
    const viaDefinitions = { $ref: '#/definitions/a', definitions: { a: { type: 'string' } } };
    const viaDefsBridge = { $ref: '#/$defs/a', definitions: { a: { $ref: '#/definitions/b' }, b: { type: 'string' } } };
    expect(changes(viaDefinitions, { type: 'string' })).toEqual([]);
    expect(changes(viaDefsBridge, { type: 'integer' })).toEqual(['TYPE_CHANGED #/']);
  });

  it('resolves $id-based and anchor references within the document', () => {
    const byId = {
      $id: 'https://example.com/order.json',
      definitions: { money: { $id: 'money.json', type: 'number' } },
      properties: { total: { $ref: 'money.json' } },
    };
    const byAnchor = {
      $schema: D2020,
      $defs: { money: { $anchor: 'money', type: 'integer' } },
      properties: { total: { $ref: '#money' } },
    };
    expect(changes(byId, object({ total: { type: 'integer' } }))).toEqual([
      'ID_CHANGED #/',
      'ID_CHANGED #/properties/total',
      'TYPE_NARROWED #/properties/total',
    ]);
    expect(changes(byAnchor, { $schema: D2020, properties: { total: { type: 'number' } } })).toEqual([
      'TYPE_EXTENDED #/properties/total',
    ]);
  });

  it('reports a change inside a recursive schema at every depth it is reached, and stops', () => {
    const tree = (leaf: unknown): unknown => ({
      $ref: '#/definitions/node',
      definitions: { node: object({ value: leaf, children: { type: 'array', items: { $ref: '#/definitions/node' } } }) },
    });
    expect(changes(tree({ type: 'string' }), tree({ type: 'string' }))).toEqual([]);
    expect(changes(tree({ type: 'integer' }), tree({ type: 'number' }))).toEqual(['TYPE_EXTENDED #/properties/value']);
    expect(changes(tree({ type: 'string' }), tree({ type: 'boolean' }))).toEqual([
      'TYPE_CHANGED #/properties/children/items/properties/value',
      'TYPE_CHANGED #/properties/value',
    ]);
  });

  it('does not let an optimistic cycle assumption hide a change reached through mutual recursion', () => {
    const schema = (idType: string): unknown => ({
      $schema: D2020,
      $ref: '#/$defs/a',
      $defs: {
        a: object({ b: { $ref: '#/$defs/b' }, id: { type: idType } }),
        b: object({ a: { $ref: '#/$defs/a' } }),
      },
    });
    const findings = checkJsonPair(schema('boolean'), schema('string'), 'STRICT');
    expect(findings.map((f) => `${f.rule} ${f.path}`).sort()).toEqual([
      'TYPE_CHANGED #/properties/b/properties/a/properties/id',
      'TYPE_CHANGED #/properties/id',
    ]);
  });

  it('rejects unresolvable and external references as invalid schemas', () => {
    expect(() => diffJsonSchemas({ $ref: '#/definitions/missing' }, {})).toThrow(/unresolvable \$ref '#\/definitions\/missing'/);
    expect(() => diffJsonSchemas({}, { $ref: 'https://example.com/other.json' })).toThrow(/only references within the schema/);
    expect(() => diffJsonSchemas({ $ref: '#/definitions/a', definitions: { a: { $ref: '#/definitions/a' } } }, {})).toThrow(
      /only refers to itself/,
    );
  });
});

describe('invalid schemas', () => {
  it('throws with a clear message', () => {
    expect(() => checkJsonPair([], {}, 'STRICT')).toThrow(/expected an object or a boolean at the root, found an array/);
    expect(() => checkJsonPair({}, 'string', 'STRICT')).toThrow(/found string/);
    expect(() => checkJsonPair({ type: 'strnig' }, {}, 'STRICT')).toThrow(/#\/type: unknown type "strnig"/);
    expect(() => checkJsonPair(object({ a: { type: 'string', maxLength: 'ten' } }), {}, 'STRICT')).toThrow(
      /#\/properties\/a\/maxLength: expected a number/,
    );
  });

  it('accepts boolean schemas', () => {
    expect(changes(true, false)).toEqual(['TYPE_CHANGED #/']);
    expect(changes(false, { type: 'string' })).toEqual([]);
  });
});

describe('how Confluent loads schemas', () => {
  it('sees `type` + `enum` as an allOf of both, so an enum change is a combined-schema change', () => {
    const status = (values: string[]): unknown => object({ status: { type: 'string', enum: values } });
    expect(changes(status(['a']), status(['a', 'b']))).toEqual(['ENUM_ARRAY_EXTENDED #/properties/status/allOf/0/enum']);
    const [finding] = checkJsonPair(status(['a']), status(['a', 'b']), 'STRICT');
    expect(finding?.rule).toBe('COMBINED_TYPE_SUBSCHEMAS_CHANGED');
    expect(finding?.detail).toContain('enum values "b" were removed');
  });

  it('lets a nullable type list widen but not narrow', () => {
    expect(changes({ type: 'string' }, { type: ['string', 'null'] })).toEqual(['SUM_TYPE_EXTENDED #/']);
    expect(changes({ type: ['string', 'null'] }, { type: 'string' })).toEqual(['TYPE_CHANGED #/']);
  });

  it('ignores draft 4 boolean exclusive limits and reads draft 6+ numeric ones', () => {
    const d4 = 'http://json-schema.org/draft-04/schema#';
    expect(changes({ $schema: d4, type: 'number', maximum: 5, exclusiveMaximum: true }, { $schema: d4, type: 'number', maximum: 5 })).toEqual([]);
    expect(changes({ type: 'number', exclusiveMaximum: 5 }, { type: 'number' })).toEqual(['EXCLUSIVE_MAXIMUM_REMOVED #/exclusiveMaximum']);
  });

  it('drops $id and always gives `contains` a minContains in 2019-09/2020-12', () => {
    expect(changes({ $schema: D2020, $id: 'a' }, { $schema: D2020, $id: 'b' })).toEqual([]);
    expect(changes({ $id: 'a' }, { $id: 'b' })).toEqual(['ID_CHANGED #/']);
    const arr = (extra: Record<string, unknown>): unknown => ({ $schema: D2020, type: 'array', contains: { type: 'string' }, ...extra });
    expect(changes(arr({ minContains: 1 }), arr({}))).toEqual([]);
  });

  it('reads 2019-09 tuple syntax like 2020-12 prefixItems', () => {
    const d2019 = 'https://json-schema.org/draft/2019-09/schema';
    const tuple = (items: unknown[]): unknown => ({ $schema: d2019, type: 'array', items, additionalItems: false });
    expect(changes(tuple([{ type: 'string' }]), tuple([{ type: 'string' }, { type: 'number' }]))).toEqual([
      'ITEM_ADDED_TO_CLOSED_CONTENT_MODEL #/items/1',
    ]);
  });

  it('lets a 2020-12 object with unknown keywords lose its unevaluatedProperties, as Confluent does', () => {
    const closed = (props: Record<string, unknown>, extra: Record<string, unknown>): unknown => ({
      $schema: D2020,
      ...object(props),
      unevaluatedProperties: false,
      ...extra,
    });
    const a = { a: { type: 'string' } };
    const ab = { a: { type: 'string' }, b: { type: 'string' } };
    expect(changes(closed(a, {}), closed(ab, {}))).toEqual(['OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/b']);
    const comment = { $comment: 'unknown to json-sKema' };
    expect(changes(closed(a, comment), closed(ab, comment))).toEqual(['OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL #/properties/b']);
  });

  it('accepts a changed JSON type when both sides are Kafka Connect bytes', () => {
    expect(changes({ type: 'string', 'connect.type': 'bytes' }, { type: 'number', 'connect.type': 'bytes' })).toEqual([]);
  });
});

describe('multipleOf', () => {
  it('divides exactly, like BigDecimal', () => {
    expect(isMultipleOf(0.3, 0.1)).toBe(true);
    expect(isMultipleOf(0.05, 0.01)).toBe(true);
    expect(isMultipleOf(0.03, 0.02)).toBe(false);
    expect(isMultipleOf(1e21, 1e-7)).toBe(true);
    expect(changes({ type: 'number', multipleOf: 0.1 }, { type: 'number', multipleOf: 0.01 })).toEqual(['MULTIPLE_OF_REDUCED #/multipleOf']);
  });
});

describe('combined schemas', () => {
  it('pairs reordered branches one-to-one', () => {
    const branches = Array.from({ length: 12 }, (_, i) => object({ kind: { const: `k${i}` }, [`f${i}`]: { type: 'string' } }, { required: ['kind'] }));
    expect(changes({ oneOf: branches }, { oneOf: [...branches].reverse() })).toEqual([]);
    const widened = branches.map((b, i) => (i === 3 ? object({ kind: { const: 'k3' }, f3: { type: ['string', 'null'] } }, { required: ['kind'] }) : b));
    expect(changes({ oneOf: branches }, { oneOf: [...widened].reverse() })).toEqual(['SUM_TYPE_EXTENDED #/oneOf/3/properties/f3']);
  });

  it('uses the policy when deciding which branches pair up', () => {
    const person = (extra: Record<string, unknown>): unknown =>
      object({}, { allOf: [{ properties: { name: { type: 'string' } }, required: ['name'] }, { properties: { age: { type: 'number' }, ...extra } }] });
    const before = person({});
    const after = person({ email: { type: 'string' } });
    expect(checkJsonPair(after, before, 'STRICT').map((f) => f.rule)).toEqual(['COMBINED_TYPE_SUBSCHEMAS_CHANGED']);
    expect(checkJsonPair(after, before, 'LENIENT')).toEqual([]);
  });
});

describe('wide schemas', () => {
  // Throughput is measured by `npm run bench -- compat`, not asserted here.
  it('reports each of 5,000 widened properties', () => {
    const wide = (n: number, t: string): unknown => object(Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, { type: t }])));
    expect(diffJsonSchemas(wide(5000, 'integer'), wide(5000, 'number'))).toHaveLength(5000);
  });
});
