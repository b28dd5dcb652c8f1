/**
 * The shared Avro corpus: reader/writer pairs from the Avro and Confluent test suites, and
 * Confluent level cases. `compatible` is the truth; where python3-avro's `oracle` verdict differs
 * (noted in the corpus), Avro Java and so `compatible` is right.
 */
import { describe, expect, it } from 'vitest';
import { checkAvroPair } from '../../../generator/compat/avro/check.js';
import { pairsForLevel, type CompatibilityLevel } from '../../../generator/compat/levels.js';
import type { CompatibilityRequest, CompatibilityResult } from '../../../generator/compat/model.js';
import { type LevelCase, loadConformance, type PairCase } from './support.js';

const pairs = loadConformance<PairCase>('cases.json');
const levels = loadConformance<LevelCase>('level-cases.json');

type CheckCompatibility = (request: CompatibilityRequest) => CompatibilityResult;

/**
 * `generator/compat/check.ts` also imports the JSON Schema engine, written concurrently. Until that
 * module exists the level cases go through the same steps check.ts takes: the pairs
 * `pairsForLevel` asks for, with the new schema as reader for backward pairs.
 */
async function levelChecker(): Promise<{ via: string; check: CheckCompatibility }> {
  try {
    const module = (await import('../../../generator/compat/check.js')) as { checkCompatibility: CheckCompatibility };
    return { via: 'generator/compat/check.ts checkCompatibility', check: module.checkCompatibility };
  } catch (error) {
    const message = String(error);
    if (!/json\/check/.test(message)) throw error;
    return {
      via: 'pairsForLevel + checkAvroPair (generator/compat/json/check.ts does not exist yet)',
      check: ({ level, schema, previous }) => {
        const messages = pairsForLevel(level, previous.length).flatMap(({ previousIndex, direction }) => {
          const old = previous[previousIndex];
          const findings = direction === 'backward' ? checkAvroPair(schema, old) : checkAvroPair(old, schema);
          return findings.map((f) => ({ rule: f.rule, path: f.path, message: f.detail }));
        });
        return { compatible: messages.length === 0, messages };
      },
    };
  }
}

describe('Avro conformance corpus', () => {
  it('decides every reader/writer pair as Avro Java does', () => {
    const wrong: string[] = [];
    let compatible = 0;
    let oracleWrong = 0;
    for (const c of pairs) {
      const findings = checkAvroPair(c.reader, c.writer);
      const verdict = findings.length === 0;
      if (verdict) compatible++;
      if (c.oracle !== c.compatible) oracleWrong++;
      if (verdict !== c.compatible) wrong.push(`${c.id}: expected ${c.compatible}, got ${JSON.stringify(findings)}`);
      // An incompatible verdict always says why.
      if (!verdict) for (const f of findings) expect(f.detail.length).toBeGreaterThan(10);
    }
    console.log(
      `avro conformance pairs: ${pairs.length - wrong.length}/${pairs.length} agree ` +
        `(${compatible} compatible, ${pairs.length - compatible} incompatible; ${oracleWrong} where python3-avro is wrong)`,
    );
    expect(wrong).toEqual([]);
    expect(pairs.length).toBe(133);
  });

  it('decides every Confluent level case', async () => {
    const { via, check } = await levelChecker();
    const wrong: string[] = [];
    for (const c of levels) {
      const result = check({ format: 'avro', level: c.level as CompatibilityLevel, schema: c.new, previous: c.previous });
      if (result.compatible !== c.compatible) {
        wrong.push(`${c.id} (${c.level}): expected ${c.compatible}, got ${JSON.stringify(result.messages)}`);
      }
      expect(result.compatible).toBe(result.messages.length === 0);
      if (via.startsWith('generator/compat/check.ts')) {
        for (const m of result.messages) expect(m.message).toMatch(/^(new|previous( #\d+)?) readers cannot read (new|previous( #\d+)?) data: ./);
      }
    }
    console.log(`avro level cases: ${levels.length - wrong.length}/${levels.length} agree, via ${via}`);
    expect(wrong).toEqual([]);
    expect(levels.length).toBe(53);
  });
});
