/**
 * One folder per rule under test/fixtures/compat/avro/<RULE_ID>/: `previous.avsc` and
 * `current.avsc` are an incompatible BACKWARD pair (current reads data written with previous),
 * and `expected.json` holds the exact findings. Sub-folders are further cases of the same rule;
 * those with no expected findings are compatible near misses.
 *
 * Every case's verdict is also put to python3-avro, except where `pythonAvroDiffers` says why
 * Avro Java (which herald follows) decides otherwise.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkAvroPair } from '../../../generator/compat/avro/check.js';
import { AVRO_RULE_IDS, AVRO_RULES } from '../../../generator/compat/avro/rules.js';
import type { PairFinding } from '../../../generator/compat/check.js';
import { AvroOracle } from './support.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/compat/avro/', import.meta.url));

interface Expected {
  note?: string;
  pythonAvroDiffers?: string;
  findings: PairFinding[];
}

interface FixtureCase {
  name: string;
  rule: string;
  previous: unknown;
  current: unknown;
  expected: Expected;
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

function collect(dir: string, rule: string, out: FixtureCase[]): void {
  if (existsSync(join(dir, 'previous.avsc'))) {
    out.push({
      name: relative(FIXTURES, dir),
      rule,
      previous: readJson(join(dir, 'previous.avsc')),
      current: readJson(join(dir, 'current.avsc')),
      expected: readJson<Expected>(join(dir, 'expected.json')),
    });
  }
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) collect(path, rule, out);
  }
}

const ruleDirs = readdirSync(FIXTURES).filter((entry) => statSync(join(FIXTURES, entry)).isDirectory());
const cases: FixtureCase[] = [];
for (const rule of ruleDirs) collect(join(FIXTURES, rule), rule, cases);

describe('Avro compatibility rules', () => {
  const oracle = new AvroOracle();
  afterAll(() => oracle.close());

  it('has a fixture folder for every rule and a rule for every folder', () => {
    expect([...ruleDirs].sort()).toEqual([...AVRO_RULE_IDS].sort());
    for (const id of AVRO_RULE_IDS) {
      expect(AVRO_RULES[id].id).toBe(id);
      expect(AVRO_RULES[id].description).toMatch(/^[A-Z].{20,}\.$/);
      const own = cases.filter((c) => c.rule === id);
      expect(own.some((c) => c.expected.findings.length > 0), `${id} has an incompatible case`).toBe(true);
    }
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const findings = checkAvroPair(c.current, c.previous);
    expect(findings).toEqual(c.expected.findings);
    if (findings.length > 0) {
      // The folder's rule is among the findings, each finding points into the reader schema.
      expect(findings.map((f) => f.rule)).toContain(c.rule);
      for (const finding of findings) {
        expect(finding.path === '' || finding.path.startsWith('/')).toBe(true);
        expect(resolvePointer(c.current, finding.path)).toBeDefined();
      }
    }
    const reply = await oracle.check(c.current, c.previous);
    if (c.expected.pythonAvroDiffers) expect(reply.compatible).toBe(findings.length > 0);
    else expect(reply.compatible).toBe(findings.length === 0);
  });
});

function resolvePointer(document: unknown, pointer: string): unknown {
  if (pointer === '') return document;
  let node: unknown = document;
  for (const token of pointer.slice(1).split('/')) {
    const key = token.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) node = node[Number(key)];
    else if (typeof node === 'object' && node !== null) node = (node as Record<string, unknown>)[key];
    else return undefined;
  }
  return node;
}
