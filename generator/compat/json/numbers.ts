/** Numeric keyword changes (`NumberSchemaDiff`): bounds, `multipleOf`, and integer ↔ number. */
import type { DiffContext } from './context.js';
import type { NumberNode } from './schema-model.js';
import { compareBound } from './strings.js';

/** A finite JSON number as an exact decimal `digits × 10^-scale`, so `multipleOf` checks are exact like Java's BigDecimal. */
function toDecimal(value: number): { digits: bigint; scale: number } {
  const [mantissa = '0', exponentText = '0'] = value.toString().toLowerCase().split('e');
  const [whole = '0', fraction = ''] = mantissa.split('.');
  const exponent = Number(exponentText);
  const scale = fraction.length - exponent;
  const digits = BigInt(whole + fraction);
  return scale >= 0 ? { digits, scale } : { digits: digits * 10n ** BigInt(-scale), scale: 0 };
}

/** Whether `dividend` is an exact multiple of `divisor` (`dividend.remainder(divisor) == 0`). */
export function isMultipleOf(dividend: number, divisor: number): boolean {
  const a = toDecimal(dividend);
  const b = toDecimal(divisor);
  const scale = Math.max(a.scale, b.scale);
  const scaledA = a.digits * 10n ** BigInt(scale - a.scale);
  const scaledB = b.digits * 10n ** BigInt(scale - b.scale);
  return scaledB !== 0n && scaledA % scaledB === 0n;
}

export function compareNumbers(ctx: DiffContext, original: NumberNode, update: NumberNode): void {
  compareBound(ctx, 'maximum', 'MAXIMUM', original.maximum, update.maximum);
  compareBound(ctx, 'minimum', 'MINIMUM', original.minimum, update.minimum);
  // Confluent compares a lowered exclusiveMaximum against the update's `maximum` (a slip that throws when
  // the update has none); the intended comparison, with the update's exclusiveMaximum, is used here.
  compareBound(ctx, 'exclusiveMaximum', 'EXCLUSIVE_MAXIMUM', original.exclusiveMaximum, update.exclusiveMaximum);
  compareBound(ctx, 'exclusiveMinimum', 'EXCLUSIVE_MINIMUM', original.exclusiveMinimum, update.exclusiveMinimum);

  const before = original.multipleOf;
  const after = update.multipleOf;
  if (before !== after) {
    const values = { from: before, to: after };
    if (before === undefined) ctx.addAt('multipleOf', 'MULTIPLE_OF_ADDED', values);
    else if (after === undefined) ctx.addAt('multipleOf', 'MULTIPLE_OF_REMOVED', values);
    // A new step that is a multiple of the old one admits fewer values; one that divides it admits more.
    else if (isMultipleOf(after, before)) ctx.addAt('multipleOf', 'MULTIPLE_OF_EXPANDED', values);
    else if (isMultipleOf(before, after)) ctx.addAt('multipleOf', 'MULTIPLE_OF_REDUCED', values);
    else ctx.addAt('multipleOf', 'MULTIPLE_OF_CHANGED', values);
  }

  if (original.requiresInteger !== update.requiresInteger) {
    if (original.requiresInteger) ctx.add('TYPE_EXTENDED', { from: 'integer', to: 'number' });
    else ctx.add('TYPE_NARROWED', { from: 'number', to: 'integer' });
  }
}
