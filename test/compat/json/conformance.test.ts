/**
 * Confluent's own JSON Schema compatibility data (`../shared/conformance/json-schema`, beside the
 * repository, see the README there): every entry must give Confluent's verdict under both
 * policies and Confluent's list of changes.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { checkCompatibility } from '../../../generator/compat/check.js';
import { checkJsonPair } from '../../../generator/compat/json/check.js';
import { diffJsonSchemas } from '../../../generator/compat/json/diff.js';
import { COMPATIBLE_CHANGES_LENIENT } from '../../../generator/compat/json/differences.js';
import { type CompatibilityLevel, pairsForLevel } from '../../../generator/compat/levels.js';
import type { JsonCompatibilityPolicy } from '../../../generator/compat/model.js';

const CONFORMANCE = new URL('../../../../shared/conformance/json-schema/', import.meta.url);

interface DiffEntry {
  description: string;
  original_schema: unknown;
  update_schema: unknown;
  changes: string[];
  compatible: boolean;
  compatible_lenient?: boolean;
}

interface PolicyCase {
  id: string;
  description: string;
  original_schema: unknown;
  update_schema: unknown;
  compatible: boolean;
  compatible_lenient: boolean;
}

interface LevelCase {
  id: string;
  description: string;
  level: CompatibilityLevel;
  new: unknown;
  previous: unknown[];
  compatible: boolean;
}

/**
 * `diff-schema-examples-2020-12.json` has a trailing comma (Confluent reads it with the lenient org.json);
 * it is the only one in these files, so dropping commas before a closing bracket is safe here.
 */
function readConformance<T>(name: string): T {
  const text = readFileSync(new URL(name, CONFORMANCE), 'utf8');
  return JSON.parse(text.replace(/,(\s*[}\]])/g, '$1')) as T;
}

function verdict(reader: unknown, writer: unknown, policy: JsonCompatibilityPolicy): boolean {
  return checkJsonPair(reader, writer, policy).length === 0;
}

/** Order is an accident of Java hash-set iteration, so changes are compared as multisets. */
function multiset(changes: readonly string[]): string[] {
  return [...changes].sort();
}

interface Tally {
  entries: number;
  strict: number;
  lenient: number;
  /** Entries whose change list matched; only the diff files carry change lists. */
  changes?: number;
}

const tallies = new Map<string, Tally>();

function tally(file: string, withChanges: boolean): Tally {
  let t = tallies.get(file);
  if (t === undefined) {
    t = { entries: 0, strict: 0, lenient: 0 };
    if (withChanges) t.changes = 0;
    tallies.set(file, t);
  }
  return t;
}

afterAll(() => {
  const pct = (n: number, of: number): string => `${((100 * n) / of).toFixed(1)}%`;
  const lines = [...tallies].map(([file, t]) => {
    const changes = t.changes === undefined ? '' : `, changes ${t.changes}/${t.entries} (${pct(t.changes, t.entries)})`;
    return `  ${file}: STRICT ${t.strict}/${t.entries} (${pct(t.strict, t.entries)}), LENIENT ${t.lenient}/${t.entries} (${pct(t.lenient, t.entries)})${changes}`;
  });
  console.log(`JSON Schema conformance (Confluent SchemaDiff):\n${lines.join('\n')}`);
});

const DIFF_FILES = [
  'diff-schema-examples.json',
  'diff-schema-examples-2020-12.json',
  'diff-combined-schema-examples.json',
  'diff-combined-schema-examples-2020-12.json',
];

describe.each(DIFF_FILES)('%s', (file) => {
  const entries = readConformance<DiffEntry[]>(file);

  it.each(entries.map((entry, i) => [`#${i} ${entry.description}`, entry] as const))('%s', (_, entry) => {
    const t = tally(file, true);
    t.entries++;
    const { original_schema: original, update_schema: update } = entry;
    const lenientExpected = entry.compatible_lenient ?? entry.compatible;

    // Direction: Confluent's BACKWARD check is compare(original = writer, update = reader).
    const strict = verdict(update, original, 'STRICT');
    const lenient = verdict(update, original, 'LENIENT');
    const changes = diffJsonSchemas(original, update).map((d) => `${d.type} ${d.path}`);
    if (strict === entry.compatible) t.strict++;
    if (lenient === lenientExpected) t.lenient++;
    if (JSON.stringify(multiset(changes)) === JSON.stringify(multiset(entry.changes))) t.changes = (t.changes ?? 0) + 1;

    expect(multiset(changes)).toEqual(multiset(entry.changes));
    expect(strict).toBe(entry.compatible);
    expect(lenient).toBe(lenientExpected);
    // Confluent's own test derives the LENIENT verdict by filtering the STRICT changes: that agrees too.
    expect(entry.changes.every((c) => COMPATIBLE_CHANGES_LENIENT.has(c.split(' ')[0] ?? ''))).toBe(lenientExpected);
  });

  it('has the documented number of entries', () => {
    const expected: Record<string, number> = {
      'diff-schema-examples.json': 104,
      'diff-schema-examples-2020-12.json': 113,
      'diff-combined-schema-examples.json': 28,
      'diff-combined-schema-examples-2020-12.json': 18,
    };
    expect(entries).toHaveLength(expected[file] ?? -1);
  });
});

describe('policy-cases.json (JsonSchemaTest: STRICT vs LENIENT)', () => {
  const cases = readConformance<PolicyCase[]>('policy-cases.json');

  it.each(cases.map((c) => [`${c.id} ${c.description}`, c] as const))('%s', (_, c) => {
    const t = tally('policy-cases.json', false);
    t.entries++;
    const strict = verdict(c.update_schema, c.original_schema, 'STRICT');
    const lenient = verdict(c.update_schema, c.original_schema, 'LENIENT');
    if (strict === c.compatible) t.strict++;
    if (lenient === c.compatible_lenient) t.lenient++;
    expect(strict).toBe(c.compatible);
    expect(lenient).toBe(c.compatible_lenient);
  });
});

describe('level-cases.json (compatibility levels)', () => {
  const cases = readConformance<LevelCase[]>('level-cases.json');

  /** BACKWARD pairs read previous data with the new schema; FORWARD pairs the reverse. */
  function checkLevel(c: LevelCase, policy: JsonCompatibilityPolicy): boolean {
    return pairsForLevel(c.level, c.previous.length).every(({ previousIndex, direction }) => {
      const old = c.previous[previousIndex];
      return direction === 'backward' ? verdict(c.new, old, policy) : verdict(old, c.new, policy);
    });
  }

  it.each(cases.map((c) => [`${c.id} ${c.level}: ${c.description}`, c] as const))('%s', (_, c) => {
    const t = tally('level-cases.json', false);
    t.entries++;
    const strict = checkLevel(c, 'STRICT');
    const lenient = checkLevel(c, 'LENIENT');
    if (strict === c.compatible) t.strict++;
    if (lenient === c.compatible) t.lenient++;
    expect(strict).toBe(c.compatible);
    // These cases carry one verdict; none involves a LENIENT-only change.
    expect(lenient).toBe(c.compatible);
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s through checkCompatibility', (_, c) => {
    const result = checkCompatibility({ format: 'json', level: c.level, schema: c.new, previous: c.previous });
    expect(result.compatible).toBe(c.compatible);
  });
});
