/** String keyword changes (`StringSchemaDiff`): length bounds and `pattern`, judged keyword by keyword. */
import type { DiffContext } from './context.js';
import type { StringNode } from './schema-model.js';

/**
 * Reports how an optional bound changed. `looser` says which direction accepts more values: for an upper
 * bound a larger value (`INCREASED`), for a lower bound a smaller one.
 */
export function compareBound(
  ctx: DiffContext,
  keyword: string,
  prefix: string,
  original: number | undefined,
  update: number | undefined,
): void {
  if (original === update) return;
  if (original === undefined) ctx.addAt(keyword, `${prefix}_ADDED`, { to: update });
  else if (update === undefined) ctx.addAt(keyword, `${prefix}_REMOVED`, { from: original });
  else if (original < update) ctx.addAt(keyword, `${prefix}_INCREASED`, { from: original, to: update });
  else if (original > update) ctx.addAt(keyword, `${prefix}_DECREASED`, { from: original, to: update });
}

export function compareStrings(ctx: DiffContext, original: StringNode, update: StringNode): void {
  compareBound(ctx, 'maxLength', 'MAX_LENGTH', original.maxLength, update.maxLength);
  compareBound(ctx, 'minLength', 'MIN_LENGTH', original.minLength, update.minLength);
  // Any different regex is a change: Confluent does no language-inclusion reasoning on patterns.
  if (original.pattern === undefined && update.pattern !== undefined) {
    ctx.addAt('pattern', 'PATTERN_ADDED', { to: update.pattern });
  } else if (original.pattern !== undefined && update.pattern === undefined) {
    ctx.addAt('pattern', 'PATTERN_REMOVED', { from: original.pattern });
  } else if (original.pattern !== update.pattern) {
    ctx.addAt('pattern', 'PATTERN_CHANGED', { from: original.pattern, to: update.pattern });
  }
}
