/**
 * Array keyword changes (`ArraySchemaDiff`): the items schema, tuple positions added or removed under the
 * content model, additional/unevaluated items, and the size/uniqueness/contains bounds.
 *
 * Unlike objects there is no LENIENT relaxation here: a new constrained position in an open array, or a
 * position dropped from a closed one, is never compatible.
 */
import type { DiffContext } from './context.js';
import { isOpenArray, partialSchemaForItems } from './content-model.js';
import { compareUnevaluated } from './objects.js';
import { type ArrayNode, type SchemaNode, acceptsEverything } from './schema-model.js';
import { compareBound } from './strings.js';

export function compareArrays(ctx: DiffContext, original: ArrayNode, update: ArrayNode): void {
  ctx.at('items', () => ctx.compare(original.allItemsSchema, update.allItemsSchema));
  compareTuples(ctx, original, update);
  compareAdditionalItems(ctx, original, update);
  compareUnevaluated(ctx, 'unevaluatedItems', 'UNEVALUATED_ITEMS', original.unevaluatedItems, update.unevaluatedItems);
  compareBound(ctx, 'maxItems', 'MAX_ITEMS', original.maxItems, update.maxItems);
  compareBound(ctx, 'minItems', 'MIN_ITEMS', original.minItems, update.minItems);
  if (original.uniqueItems !== update.uniqueItems) {
    ctx.addAt('uniqueItems', original.uniqueItems ? 'UNIQUE_ITEMS_REMOVED' : 'UNIQUE_ITEMS_ADDED');
  }
  compareBound(ctx, 'maxContains', 'MAX_CONTAINS', original.maxContains, update.maxContains);
  compareBound(ctx, 'minContains', 'MIN_CONTAINS', original.minContains, update.minContains);
}


function compareTuples(ctx: DiffContext, original: ArrayNode, update: ArrayNode): void {
  const before = original.itemSchemas ?? [];
  const after = update.itemSchemas ?? [];
  const shared = Math.min(before.length, after.length);
  for (let i = 0; i < shared; i++) ctx.at(`items/${i}`, () => ctx.compare(before[i], after[i]));

  // Positions only the original had: old data may fill them, so the update's model must accept them.
  for (let i = shared; i < before.length; i++) {
    const removed = before[i] as SchemaNode;
    ctx.at(`items/${i}`, () => {
      if (isOpenArray(update)) {
        ctx.add('ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL');
        return;
      }
      const partial = partialSchemaForItems(update);
      if (partial !== undefined) {
        ctx.add(
          ctx.compareCovers(removed, partial)
            ? 'ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL'
            : 'ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
        );
      } else {
        ctx.add(removed.kind === 'false' ? 'ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL' : 'ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL');
      }
    });
  }

  // Positions only the update has: old data may already have items there, as the original's model allowed.
  for (let i = shared; i < after.length; i++) {
    const added = after[i] as SchemaNode;
    ctx.at(`items/${i}`, () => {
      if (isOpenArray(original)) {
        ctx.add(acceptsEverything(added) ? 'ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL' : 'ITEM_ADDED_TO_OPEN_CONTENT_MODEL');
        return;
      }
      const partial = partialSchemaForItems(original);
      if (partial !== undefined) {
        ctx.add(
          ctx.compareCovers(partial, added)
            ? 'ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL'
            : 'ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
        );
      } else {
        ctx.add('ITEM_ADDED_TO_CLOSED_CONTENT_MODEL');
      }
    });
  }
}

function compareAdditionalItems(ctx: DiffContext, original: ArrayNode, update: ArrayNode): void {
  ctx.at('additionalItems', () => {
    if (original.permitsAdditionalItems !== update.permitsAdditionalItems) {
      ctx.add(original.permitsAdditionalItems ? 'ADDITIONAL_ITEMS_REMOVED' : 'ADDITIONAL_ITEMS_ADDED');
    } else if (original.additionalItemsSchema === undefined && update.additionalItemsSchema !== undefined) {
      ctx.add('ADDITIONAL_ITEMS_NARROWED');
    } else if (original.additionalItemsSchema !== undefined && update.additionalItemsSchema === undefined) {
      ctx.add('ADDITIONAL_ITEMS_EXTENDED');
    } else {
      ctx.compare(original.additionalItemsSchema, update.additionalItemsSchema);
    }
  });
}
