/**
 * Confluent compatibility levels mapped onto pair checks.
 *
 * BACKWARD means the new schema reads data written with the previous one; FORWARD the reverse;
 * the transitive variants check every earlier version instead of only the latest.
 */
export const COMPATIBILITY_LEVELS = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
] as const;

export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number];

export function isCompatibilityLevel(value: unknown): value is CompatibilityLevel {
  return typeof value === 'string' && (COMPATIBILITY_LEVELS as readonly string[]).includes(value);
}

export type Direction = 'backward' | 'forward';

export interface PairToCheck {
  /** Index into the history (oldest first) of the version the new schema is compared with. */
  previousIndex: number;
  direction: Direction;
}

/** Which (previous version, direction) pairs a level asks for, newest previous version first as Confluent does. */
export function pairsForLevel(level: CompatibilityLevel, historyLength: number): PairToCheck[] {
  if (level === 'NONE' || historyLength === 0) return [];
  const transitive = level.endsWith('_TRANSITIVE');
  const base = level.replace('_TRANSITIVE', '');
  const directions: Direction[] =
    base === 'BACKWARD' ? ['backward'] : base === 'FORWARD' ? ['forward'] : ['backward', 'forward'];
  const indexes = transitive
    ? Array.from({ length: historyLength }, (_, i) => historyLength - 1 - i)
    : [historyLength - 1];
  return indexes.flatMap((previousIndex) => directions.map((direction) => ({ previousIndex, direction })));
}

/** What a level guarantees: which directions hold, and whether against every earlier version. */
function guarantees(level: CompatibilityLevel): { backward: boolean; forward: boolean; transitive: boolean } {
  const base = level.replace('_TRANSITIVE', '');
  return {
    backward: base === 'BACKWARD' || base === 'FULL',
    forward: base === 'FORWARD' || base === 'FULL',
    transitive: level.endsWith('_TRANSITIVE'),
  };
}

/** Whether moving from one level to another drops a guarantee (e.g. FULL → BACKWARD, or losing _TRANSITIVE). */
export function isLoosening(from: CompatibilityLevel, to: CompatibilityLevel): boolean {
  const before = guarantees(from);
  const after = guarantees(to);
  if (from === 'NONE') return false;
  return (
    (before.backward && !after.backward) ||
    (before.forward && !after.forward) ||
    (before.transitive && !after.transitive)
  );
}
