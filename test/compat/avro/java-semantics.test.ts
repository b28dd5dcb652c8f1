/**
 * Where herald follows Avro Java rather than python3-avro 1.11.1 (the differential oracle), and
 * the parts of name resolution and validation the corpus does not reach.
 */
import { describe, expect, it } from 'vitest';
import { AvroSchemaError, checkAvroPair } from '../../../generator/compat/avro/check.js';

const compatible = (reader: unknown, writer: unknown) => checkAvroPair(reader, writer).length === 0;
const rules = (reader: unknown, writer: unknown) => checkAvroPair(reader, writer).map((f) => f.rule);

const record = (name: string, extra: Record<string, unknown> = {}, fields: unknown[] = [{ name: 'f', type: 'int' }]) => ({
  type: 'record',
  name,
  ...extra,
  fields,
});

describe('names as Avro Java compares them', () => {
  it('compares unqualified names, so dotted names and namespace moves are compatible', () => {
    expect(compatible(record('Record'), record('ns.Record'))).toBe(true); // AVRO-3622
    const enumE = (extra: Record<string, unknown>) => ({ type: 'enum', symbols: ['A'], ...extra });
    expect(compatible(enumE({ name: 'x.E' }), enumE({ name: 'E', namespace: 'x' }))).toBe(true);
    expect(compatible(record('R', { namespace: 'a' }), record('R', { namespace: 'b' }))).toBe(true);
    expect(rules(record('S', { namespace: 'a' }), record('R', { namespace: 'a' }))).toEqual(['NAME_MISMATCH']);
  });

  it('qualifies an unqualified alias with the reader type namespace', () => {
    const reader = record('New', { namespace: 'ns', aliases: ['Old'] });
    expect(compatible(reader, record('Old', { namespace: 'ns' }))).toBe(true);
    // python3-avro says the opposite of Java on both of these.
    expect(rules(reader, record('Old'))).toEqual(['NAME_MISMATCH']);
    expect(compatible(record('New', { aliases: ['Old'] }), record('Old'))).toBe(true);
    expect(compatible(record('New', { namespace: 'ns', aliases: ['other.Old'] }), record('Old', { namespace: 'other' }))).toBe(true);
    // A dotted name's namespace is the one that qualifies its aliases.
    expect(compatible(record('ns.New', { namespace: 'ignored', aliases: ['Old'] }), record('ns.Old'))).toBe(true);
  });

  it('resolves references through inherited namespaces, full names and the null namespace', () => {
    const schema = {
      type: 'record',
      name: 'Outer',
      namespace: 'a.b',
      fields: [
        { name: 'e', type: { type: 'enum', name: 'Kind', symbols: ['X'] } }, // a.b.Kind
        { name: 'short', type: 'Kind' },
        { name: 'full', type: 'a.b.Kind' },
        { name: 'objectForm', type: { type: 'Kind' } },
        { name: 'inner', type: record('Inner', { namespace: '' }, [{ name: 'k', type: 'a.b.Kind' }]) },
      ],
    };
    expect(compatible(schema, schema)).toBe(true);
    // Java looks an unqualified name up in the null namespace when the enclosing one lacks it.
    const fallback = {
      type: 'record',
      name: 'Top',
      fields: [
        { name: 'x', type: { type: 'fixed', name: 'Hash', size: 4 } },
        { name: 'y', type: record('Nested', { namespace: 'n' }, [{ name: 'h', type: 'Hash' }]) },
      ],
    };
    expect(compatible(fallback, fallback)).toBe(true);
  });

  it('ignores logical types, as Java does', () => {
    expect(compatible({ type: 'int', logicalType: 'date' }, 'int')).toBe(true);
    expect(compatible({ type: 'long', logicalType: 'timestamp-micros' }, { type: 'int', logicalType: 'date' })).toBe(true);
    const decimal = (precision: number) => ({ type: 'bytes', logicalType: 'decimal', precision, scale: 2 });
    expect(compatible(decimal(4), decimal(20))).toBe(true);
  });

  it('reads an `error` as a record', () => {
    expect(compatible({ ...record('Failure'), type: 'error' }, record('Failure'))).toBe(true);
  });
});

describe('recursion and the memo', () => {
  const list = (valueType: string) => ({
    type: 'record',
    name: 'Node',
    fields: [
      { name: 'value', type: valueType },
      { name: 'next', type: ['null', 'Node'], default: null },
    ],
  });

  it('terminates on recursive and mutually recursive types', () => {
    expect(compatible(list('long'), list('int'))).toBe(true);
    expect(rules(list('int'), list('long'))).toEqual(['TYPE_MISMATCH']);
    const tree = (leaf: string) => ({
      type: 'record',
      name: 'Tree',
      fields: [
        {
          name: 'children',
          type: { type: 'array', items: { type: 'record', name: 'Branch', fields: [{ name: 'tree', type: 'Tree' }, { name: 'w', type: leaf }] } },
        },
      ],
    });
    expect(compatible(tree('double'), tree('float'))).toBe(true);
    expect(rules(tree('float'), tree('double'))).toEqual(['TYPE_MISMATCH']);
  });

  it('reports a finding inside a repeated named type once, at its definition', () => {
    const schema = (zip: string) => ({
      type: 'record',
      name: 'Order',
      fields: [
        { name: 'billing', type: record('Address', {}, [{ name: 'zip', type: zip }]) },
        { name: 'shipping', type: 'Address' },
      ],
    });
    expect(checkAvroPair(schema('int'), schema('string'))).toEqual([
      { rule: 'TYPE_MISMATCH', path: '/fields/0/type/fields/0/type', detail: 'field `billing.zip` changed type: written as string, read as int' },
    ]);
  });

  it('keeps Java\'s verdict where its memo reuses a result computed during a failed union trial', () => {
    // Reading `a`, the reader tries branch R first: inside it, (Q, Q) is checked while (R, R) is
    // still in progress, so (Q, Q) is memoized as compatible; then R fails on `y` and branch R2
    // matches through its alias. Field `b` reuses the memoized (Q, Q). Avro Java and python3-avro
    // both answer compatible, although Q's `r` could not read the written R.
    const reader = {
      type: 'record',
      name: 'Top',
      fields: [
        {
          name: 'a',
          type: [
            record('R', {}, [
              { name: 'x', type: record('Q', {}, [{ name: 'r', type: ['null', 'R'] }]) },
              { name: 'y', type: 'int' },
            ]),
            record('R2', { aliases: ['R'] }, [{ name: 'y', type: 'string' }]),
          ],
        },
        { name: 'b', type: 'Q' },
      ],
    };
    const writer = {
      type: 'record',
      name: 'Top',
      fields: [
        {
          name: 'a',
          type: record('R', {}, [
            { name: 'x', type: record('Q', {}, [{ name: 'r', type: 'R' }]) },
            { name: 'y', type: 'string' },
          ]),
        },
        { name: 'b', type: 'Q' },
      ],
    };
    expect(checkAvroPair(reader, writer)).toEqual([]);
  });
});

describe('invalid schemas', () => {
  const invalid: [string, unknown, string, RegExp][] = [
    ['undefined name', record('R', {}, [{ name: 'x', type: 'Missing' }]), '/fields/0/type', /`Missing` is neither/],
    ['forward reference', record('R', {}, [{ name: 'x', type: 'Later' }, { name: 'y', type: record('Later') }]), '/fields/0/type', /defined before/],
    ['nested union', ['null', ['int']], '/1', /another union/],
    ['duplicate union branch', ['int', { type: 'int', logicalType: 'date' }], '/1', /already has a `int` branch/],
    ['two arrays in a union', [{ type: 'array', items: 'int' }, { type: 'array', items: 'long' }], '/1', /`array`/],
    ['duplicate field', record('R', {}, [{ name: 'a', type: 'int' }, { name: 'a', type: 'long' }]), '/fields/1/name', /already has a field `a`/],
    ['redefined name', record('R', {}, [{ name: 'a', type: record('R') }]), '/fields/0/type/name', /defined twice/],
    ['named after a primitive', record('int'), '/name', /may not be called `int`/],
    ['bad name', record('1st'), '/name', /not a valid Avro name/],
    ['bad field name', record('R', {}, [{ name: 'a-b', type: 'int' }]), '/fields/0/name', /not a valid Avro field name/],
    ['enum default not a symbol', { type: 'enum', name: 'E', symbols: ['A'], default: 'B' }, '/default', /not one of its symbols/],
    ['duplicate symbol', { type: 'enum', name: 'E', symbols: ['A', 'A'] }, '/symbols/1', /appears twice/],
    ['bad symbol', { type: 'enum', name: 'E', symbols: ['A', 'b c'] }, '/symbols/1', /not a valid enum symbol/],
    ['fixed without size', { type: 'fixed', name: 'F' }, '/size', /non-negative integer/],
    ['array without items', { type: 'array' }, '', /no "items"/],
    ['map without values', { type: 'map', items: 'int' }, '', /no "values"/],
    ['no type', { name: 'x' }, '', /no "type"/],
    ['non-string type', { type: { type: 'int' } }, '', /"type" must be a string/],
    ['record without fields', { type: 'record', name: 'R' }, '/fields', /"fields" array/],
    ['field without type', record('R', {}, [{ name: 'a' }]), '/fields/0', /has no "type"/],
    ['bad aliases', record('R', { aliases: 'Old' }), '/aliases', /array of strings/],
    ['bad order', record('R', {}, [{ name: 'a', type: 'int', order: 'up' }]), '/fields/0/order', /"order"/],
    ['a number', 42, '', /expected a type name/],
  ];

  it.each(invalid)('%s', (_name, schema, pointer, message) => {
    let error: unknown;
    try {
      checkAvroPair(schema, 'int');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AvroSchemaError);
    const schemaError = error as AvroSchemaError;
    expect(schemaError.pointer).toBe(pointer);
    expect(schemaError.role).toBe('reader');
    expect(schemaError.message).toMatch(message);
    expect(schemaError.message).toMatch(/^invalid Avro reader schema at `/);
  });

  it('names the writer when the writer is invalid', () => {
    expect(() => checkAvroPair('int', 'nope')).toThrow(/invalid Avro writer schema at `\/`: `nope` is neither/);
  });

  it('accepts what Java accepts: empty records, empty unions, zero-size fixed, any namespace text', () => {
    expect(compatible(record('R', {}, []), record('R', {}, []))).toBe(true);
    expect(compatible([], [])).toBe(true);
    expect(compatible({ type: 'fixed', name: 'F', size: 0 }, { type: 'fixed', name: 'F', size: 0 })).toBe(true);
    expect(compatible(record('R', { namespace: 'com.acme-corp' }), record('R'))).toBe(true);
    expect(compatible(record('Ünïcode'), record('Ünïcode'))).toBe(true);
  });
});
