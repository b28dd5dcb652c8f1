/**
 * The state of one comparison: the current location, the differences found there, and (shared by every
 * sub-context) the policy, the memo of compared pairs and the recursion bookkeeping.
 *
 * Mirrors Confluent's `diff.Context`. Pairs are memoized by identity with pair-relative paths, so the
 * all-pairs comparisons of combined schemas and schemas with many mutual `$ref`s stay polynomial. A pair met
 * again while still being compared is a recursive cycle, assumed compatible (greatest fixed point); the
 * caller then iterates to a fixed point, seeding each pass with the pairs found incompatible, so that an
 * optimistic assumption can never hide a real incompatibility.
 */
import type { Difference } from './differences.js';
import type { SchemaNode } from './schema-model.js';

/** A difference plus the values involved, kept so messages can say "from X to Y". */
export interface FoundDifference extends Difference {
  from?: string;
  to?: string;
}

type PairMap<V> = Map<SchemaNode, Map<SchemaNode, V>>;

function pairGet<V>(map: PairMap<V>, a: SchemaNode, b: SchemaNode): V | undefined {
  return map.get(a)?.get(b);
}

function pairSet<V>(map: PairMap<V>, a: SchemaNode, b: SchemaNode, value: V): void {
  let inner = map.get(a);
  if (inner === undefined) map.set(a, (inner = new Map()));
  inner.set(b, value);
}

function pairDelete<V>(map: PairMap<V>, a: SchemaNode, b: SchemaNode): void {
  map.get(a)?.delete(b);
}

export type IncompatibleSeed = PairMap<readonly FoundDifference[]>;

export function samePairs(a: IncompatibleSeed, b: IncompatibleSeed): boolean {
  let count = 0;
  for (const [original, inner] of a) {
    for (const update of inner.keys()) {
      if (pairGet(b, original, update) === undefined) return false;
      count++;
    }
  }
  let other = 0;
  for (const inner of b.values()) other += inner.size;
  return count === other;
}

/** The hub every comparison goes through (`SchemaDiff.compare`), injected to keep modules acyclic. */
export type Comparator = (ctx: DiffContext, original: SchemaNode | undefined, update: SchemaNode | undefined) => void;

interface Shared {
  readonly compatible: ReadonlySet<string>;
  readonly compare: Comparator;
  readonly memo: PairMap<readonly FoundDifference[]>;
  readonly inProgress: PairMap<true>;
  readonly seed: IncompatibleSeed;
  optimistic: boolean;
}

export class DiffContext {
  readonly differences: FoundDifference[] = [];
  private readonly path: string[];

  private constructor(
    private readonly shared: Shared,
    path: readonly string[],
  ) {
    this.path = [...path];
  }

  static root(compatible: ReadonlySet<string>, compare: Comparator, seed: IncompatibleSeed): DiffContext {
    return new DiffContext(
      { compatible, compare, memo: new Map(), inProgress: new Map(), seed, optimistic: false },
      [],
    );
  }

  /** A context at the same location with its own (empty) list of differences, for trial comparisons. */
  sub(): DiffContext {
    return new DiffContext(this.shared, this.path);
  }

  compare(original: SchemaNode | undefined, update: SchemaNode | undefined): void {
    this.shared.compare(this, original, update);
  }

  /**
   * Compares in a scratch context, keeps what it found, and says whether that was compatible under the
   * policy: how a partially open content model decides that it "covers" a property or item.
   */
  compareCovers(original: SchemaNode, update: SchemaNode): boolean {
    const trial = this.sub();
    trial.compare(original, update);
    this.addAll(trial.differences);
    return trial.isCompatible();
  }

  /** Compares in a scratch context and adopts what it found only if that was compatible. */
  adoptIfCompatible(original: SchemaNode, update: SchemaNode): boolean {
    const trial = this.sub();
    trial.compare(original, update);
    if (!trial.isCompatible()) return false;
    this.addAll(trial.differences);
    return true;
  }

  /** Runs `body` one path segment deeper (a segment may contain `/`, e.g. `items/0`, as in Confluent). */
  at(segment: string, body: () => void): void {
    this.path.push(segment);
    try {
      body();
    } finally {
      this.path.pop();
    }
  }

  add(type: string, values?: { from?: unknown; to?: unknown }): void {
    const found: FoundDifference = { type, path: `#/${this.path.join('/')}` };
    if (values?.from !== undefined) found.from = String(values.from);
    if (values?.to !== undefined) found.to = String(values.to);
    this.differences.push(found);
  }

  addAt(segment: string, type: string, values?: { from?: unknown; to?: unknown }): void {
    this.at(segment, () => this.add(type, values));
  }

  addAll(differences: readonly FoundDifference[]): void {
    for (const d of differences) this.differences.push(d);
  }

  /** Adds differences computed relative to a nested pair, prefixing them with this location. */
  addRebased(relative: readonly FoundDifference[]): void {
    if (this.path.length === 0) {
      this.addAll(relative);
      return;
    }
    const prefix = `#/${this.path.join('/')}`;
    for (const d of relative) {
      this.differences.push({ ...d, path: d.path.length <= 2 ? prefix : `${prefix}/${d.path.slice(2)}` });
    }
  }

  isCompatibleChange(type: string): boolean {
    return this.shared.compatible.has(type);
  }

  isCompatible(): boolean {
    return this.differences.every((d) => this.shared.compatible.has(d.type));
  }

  /** Compares a pair once, returning pair-relative differences (`Context.compareMemoized`). */
  compareMemoized(original: SchemaNode, update: SchemaNode, body: (ctx: DiffContext) => void): readonly FoundDifference[] {
    const { memo, inProgress, seed } = this.shared;
    const cached = pairGet(memo, original, update);
    if (cached !== undefined) return cached;
    if (pairGet(inProgress, original, update)) {
      const seeded = pairGet(seed, original, update);
      if (seeded !== undefined) return seeded;
      this.shared.optimistic = true;
      return [];
    }
    pairSet(inProgress, original, update, true);
    try {
      const ctx = new DiffContext(this.shared, []);
      body(ctx);
      const result = Object.freeze([...ctx.differences]);
      pairSet(memo, original, update, result);
      return result;
    } finally {
      pairDelete(inProgress, original, update);
    }
  }

  usedOptimisticTruncation(): boolean {
    return this.shared.optimistic;
  }

  /** The memoized pairs whose differences make them incompatible: the seed for the next pass. */
  incompatiblePairs(): IncompatibleSeed {
    const out: IncompatibleSeed = new Map();
    for (const [original, inner] of this.shared.memo) {
      for (const [update, diffs] of inner) {
        if (diffs.some((d) => !this.shared.compatible.has(d.type))) pairSet(out, original, update, diffs);
      }
    }
    return out;
  }
}
