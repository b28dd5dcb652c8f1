/**
 * Maximum-cardinality matching in a bipartite graph (Confluent's `MaximumCardinalityMatch`): used to pair
 * the branches of two combined schemas one-to-one through compatible comparisons.
 *
 * Greedy first pass, then augmenting paths (Kuhn). Branch counts are small, so O(V·E) is plenty; the
 * expensive part, comparing every pair of branches, happens before and is memoized.
 */

/** @param neighbours for each left vertex, the right vertices it may be matched with, in preference order. */
export function maximumMatching(neighbours: readonly (readonly number[])[], rightCount: number): Map<number, number> {
  const rightMatch = new Array<number>(rightCount).fill(-1);
  const leftMatch = new Array<number>(neighbours.length).fill(-1);

  for (const [left, candidates] of neighbours.entries()) {
    const free = candidates.find((right) => rightMatch[right] === -1);
    if (free !== undefined) {
      rightMatch[free] = left;
      leftMatch[left] = free;
    }
  }

  const augment = (left: number, visited: boolean[]): boolean => {
    for (const right of neighbours[left] ?? []) {
      if (visited[right]) continue;
      visited[right] = true;
      const holder = rightMatch[right] as number;
      if (holder === -1 || augment(holder, visited)) {
        rightMatch[right] = left;
        leftMatch[left] = right;
        return true;
      }
    }
    return false;
  };

  for (let left = 0; left < neighbours.length; left++) {
    if (leftMatch[left] === -1) augment(left, new Array<boolean>(rightCount).fill(false));
  }

  const matching = new Map<number, number>();
  for (const [left, right] of leftMatch.entries()) if (right !== -1) matching.set(left, right);
  return matching;
}

/**
 * Why `left` stayed unmatched (König): the left vertices reachable from it by alternating paths, and the
 * right vertices they can use, which are fewer. Names the branches that compete for too few counterparts.
 */
export function unmatchedWitness(
  neighbours: readonly (readonly number[])[],
  matching: ReadonlyMap<number, number>,
  left: number,
): { left: number[]; right: number[] } {
  const matchedLeftOf = new Map<number, number>();
  for (const [l, r] of matching) matchedLeftOf.set(r, l);
  const lefts = new Set([left]);
  const rights = new Set<number>();
  const queue = [left];
  while (queue.length > 0) {
    const current = queue.shift() as number;
    for (const right of neighbours[current] ?? []) {
      if (rights.has(right)) continue;
      rights.add(right);
      const next = matchedLeftOf.get(right);
      if (next !== undefined && !lefts.has(next)) {
        lefts.add(next);
        queue.push(next);
      }
    }
  }
  return { left: [...lefts].sort((a, b) => a - b), right: [...rights].sort((a, b) => a - b) };
}
