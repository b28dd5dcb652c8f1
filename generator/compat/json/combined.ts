/**
 * `allOf` / `anyOf` / `oneOf` / `not` changes (`CombinedSchemaDiff`, `NotSchemaDiff`).
 *
 * Two combined schemas are compatible when their keywords relate in a widening way and the branches can be
 * paired one-to-one by compatible comparisons covering the smaller side (maximum bipartite matching). Which
 * branches are compatible depends on the policy, so LENIENT can pair branches STRICT cannot.
 */
import { canonicalSchema } from './canonical.js';
import type { DiffContext, FoundDifference } from './context.js';
import { maximumMatching, unmatchedWitness } from './matching.js';
import { describeDifference } from './messages.js';
import { type CombinedNode, type NotNode, type SchemaNode, kindName } from './schema-model.js';

/** Duplicate branches collapse, as in Confluent (a set of `JsonSchema` objects, equal by JSON text). */
function distinctBranches(node: CombinedNode): SchemaNode[] {
  // Branches of different kinds can never be equal; most combinations (`[null, string]`, `type` + `enum`)
  // are like that, so the canonical text is only computed when two branches share a kind.
  const kinds = new Set(node.subschemas.map((s) => s.kind));
  if (kinds.size === node.subschemas.length) return node.subschemas;
  const seen = new Set<string>();
  return node.subschemas.filter((s) => {
    const key = canonicalSchema(s);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The keyword change itself. Widening: anything → `anyOf`; a single branch under any keyword; one branch →
 * `oneOf`; `allOf` → one branch. Any other change of keyword (e.g. `anyOf` → `oneOf`) ends the comparison.
 */
function compareCriteria(ctx: DiffContext, original: CombinedNode, update: CombinedNode): boolean {
  if (original.criterion === update.criterion) return true;
  const singleOriginal = original.subschemas.length === 1;
  const singleUpdate = update.subschemas.length === 1;
  const widening =
    update.criterion === 'anyOf' ||
    (singleOriginal && singleUpdate) ||
    (singleOriginal && update.criterion === 'oneOf') ||
    (singleUpdate && original.criterion === 'allOf');
  const values = { from: original.criterion, to: update.criterion };
  ctx.add(widening ? 'COMBINED_TYPE_EXTENDED' : 'COMBINED_TYPE_CHANGED', values);
  return widening;
}

export function compareCombined(ctx: DiffContext, original: CombinedNode, update: CombinedNode): void {
  if (!compareCriteria(ctx, original, update)) return;
  const before = distinctBranches(original);
  const after = distinctBranches(update);
  const counts = { from: before.length, to: after.length };
  if (before.length < after.length) {
    ctx.add(update.criterion === 'allOf' ? 'PRODUCT_TYPE_EXTENDED' : 'SUM_TYPE_EXTENDED', counts);
  } else if (before.length > after.length) {
    ctx.add(original.criterion === 'allOf' ? 'PRODUCT_TYPE_NARROWED' : 'SUM_TYPE_NARROWED', counts);
  }

  // Every pair is compared; the compatible ones are the edges, labelled with what the comparison found.
  const edges = new Map<string, readonly FoundDifference[]>();
  const failures = new Map<string, FoundDifference>();
  const fromOriginal: number[][] = before.map(() => []);
  const fromUpdate: number[][] = after.map(() => []);
  for (const [i, branch] of before.entries()) {
    ctx.at(`${original.criterion}/${i}`, () => {
      for (const [j, candidate] of after.entries()) {
        const trial = ctx.sub();
        trial.compare(branch, candidate);
        const failure = trial.differences.find((d) => !ctx.isCompatibleChange(d.type));
        if (failure !== undefined) {
          failures.set(`${i}:${j}`, failure);
          continue;
        }
        edges.set(`${i}:${j}`, trial.differences);
        fromOriginal[i]?.push(j);
        fromUpdate[j]?.push(i);
      }
    });
  }

  // Match from the smaller side, as Confluent does (the original's on a tie).
  const originalSide = before.length <= after.length;
  const matching = originalSide ? maximumMatching(fromOriginal, after.length) : maximumMatching(fromUpdate, before.length);
  const pairs = [...matching].map(([a, b]) => (originalSide ? [a, b] : [b, a]) as [number, number]);
  pairs.sort((p, q) => p[0] - q[0]);
  for (const [i, j] of pairs) ctx.addAll(edges.get(`${i}:${j}`) ?? []);
  if (matching.size < Math.min(before.length, after.length)) {
    const sides: Sides = originalSide
      ? { small: side(original, before, 'writer'), large: side(update, after, 'reader'), key: (s, l) => `${s}:${l}` }
      : { small: side(update, after, 'reader'), large: side(original, before, 'writer'), key: (s, l) => `${l}:${s}` };
    const neighbours = originalSide ? fromOriginal : fromUpdate;
    ctx.add('COMBINED_TYPE_SUBSCHEMAS_CHANGED', { from: explainUnpaired(sides, neighbours, matching, failures) });
  }
}

interface Side {
  criterion: string;
  branches: SchemaNode[];
  role: 'writer' | 'reader';
}

interface Sides {
  small: Side;
  large: Side;
  /** The `original:update` key of a (small, large) pair of branch indexes. */
  key: (small: number, large: number) => string;
}

function side(node: CombinedNode, branches: SchemaNode[], role: Side['role']): Side {
  return { criterion: node.criterion, branches, role };
}

/**
 * Says which branches compete for too few compatible counterparts, for the message. When a branch has no
 * compatible counterpart at all, the failed comparison with a counterpart of the same kind (say, the enum
 * of a `type` + `enum` pair) usually shows the real change, so it is quoted.
 */
function explainUnpaired(
  { small, large, key }: Sides,
  neighbours: number[][],
  matching: ReadonlyMap<number, number>,
  failures: ReadonlyMap<string, FoundDifference>,
): string {
  const first = neighbours.findIndex((_, k) => !matching.has(k));
  const witness = unmatchedWitness(neighbours, matching, first);
  const names = (s: Side, ks: number[]): string =>
    ks.map((k) => `${s.criterion}[${k}] (${kindName(s.branches[k] as SchemaNode)})`).join(', ');
  const subjects = `${names(small, witness.left)} of the ${small.role} schema`;
  if (witness.right.length > 0) {
    return `${subjects} can only pair with ${names(large, witness.right)} of the ${large.role} schema`;
  }
  const kind = (small.branches[first] as SchemaNode).kind;
  const counterpart = large.branches.findIndex((b) => b.kind === kind);
  const failure = counterpart === -1 ? undefined : failures.get(key(first, counterpart));
  const closest = failure === undefined ? '' : ` (closest: ${describeDifference(failure, true)})`;
  return `${subjects} has no compatible counterpart in the ${large.role} schema${closest}`;
}

/** `not` flips roles: the update's excluded set must fit inside the original's. */
export function compareNot(ctx: DiffContext, original: NotNode, update: NotNode): void {
  ctx.at('not', () => {
    const trial = ctx.sub();
    trial.compare(update.mustNotMatch, original.mustNotMatch);
    ctx.add(trial.isCompatible() ? 'NOT_TYPE_NARROWED' : 'NOT_TYPE_EXTENDED');
  });
}
