/**
 * Object keyword changes (`ObjectSchemaDiff`): required properties, properties added or removed under the
 * content model, dependencies, additional/unevaluated properties and property counts.
 */
import type { DiffContext } from './context.js';
import { isOpenObject, partialSchemaForProperty } from './content-model.js';
import { type ObjectNode, type SchemaNode, acceptsEverything } from './schema-model.js';
import { compareBound } from './strings.js';

export function compareObjects(ctx: DiffContext, original: ObjectNode, update: ObjectNode): void {
  compareRequired(ctx, original, update);
  compareProperties(ctx, original, update);
  compareDependencies(ctx, original, update);
  compareAdditionalProperties(ctx, original, update);
  compareUnevaluated(ctx, 'unevaluatedProperties', 'UNEVALUATED_PROPERTIES', original.unevaluatedProperties, update.unevaluatedProperties);
  compareBound(ctx, 'maxProperties', 'MAX_PROPERTIES', original.maxProperties, update.maxProperties);
  compareBound(ctx, 'minProperties', 'MIN_PROPERTIES', original.minProperties, update.minProperties);
}

/** Only properties declared on both sides: adding or removing a property is judged by `compareProperties`. */
function compareRequired(ctx: DiffContext, original: ObjectNode, update: ObjectNode): void {
  ctx.at('required', () => {
    for (const name of original.properties.keys()) {
      const updated = update.properties.get(name);
      if (updated === undefined) continue;
      const wasRequired = original.required.includes(name);
      const isRequired = update.required.includes(name);
      if (wasRequired && !isRequired) ctx.addAt(name, 'REQUIRED_ATTRIBUTE_REMOVED');
      else if (!wasRequired && isRequired) {
        ctx.addAt(name, updated.hasDefault ? 'REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED' : 'REQUIRED_ATTRIBUTE_ADDED');
      }
    }
  });
}

function compareProperties(ctx: DiffContext, original: ObjectNode, update: ObjectNode): void {
  const names = new Set([...original.properties.keys(), ...update.properties.keys()]);
  ctx.at('properties', () => {
    for (const name of names) {
      ctx.at(name, () => {
        const before = original.properties.get(name);
        const after = update.properties.get(name);
        if (after === undefined && before !== undefined) propertyRemoved(ctx, before, update, name);
        else if (before === undefined && after !== undefined) propertyAdded(ctx, original, after, update, name);
        else ctx.compare(before, after);
      });
    }
  });
}

/** Old data may still carry the property: only the update's content model can accept it. */
function propertyRemoved(ctx: DiffContext, before: SchemaNode, update: ObjectNode, name: string): void {
  if (isOpenObject(update)) {
    ctx.add('PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL');
    return;
  }
  const partial = partialSchemaForProperty(update, name);
  if (partial !== undefined) {
    ctx.add(
      ctx.compareCovers(before, partial)
        ? 'PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL'
        : 'PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
      { to: 'partially open' },
    );
  } else {
    ctx.add(before.kind === 'false' ? 'PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL' : 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL');
  }
}

/** Old data may already hold the name with any value the original's content model allowed. */
function propertyAdded(ctx: DiffContext, original: ObjectNode, after: SchemaNode, update: ObjectNode, name: string): void {
  const required = update.required.includes(name);
  if (isOpenObject(original)) {
    if (acceptsEverything(after)) ctx.add('PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL');
    else if (!required) ctx.add('OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL');
    else {
      ctx.add(after.hasDefault ? 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL' : 'REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL');
    }
    return;
  }
  const partial = partialSchemaForProperty(original, name);
  if (partial !== undefined) {
    ctx.add(
      ctx.compareCovers(partial, after)
        ? 'PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL'
        : 'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
    );
  }
  // Closed or partially open: a new required property must come with a default, or old data fails.
  const model = { from: partial === undefined ? 'closed' : 'partially open' };
  if (!required) ctx.add('OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL', model);
  else {
    ctx.add(
      after.hasDefault ? 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL' : 'REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL',
      model,
    );
  }
}

function compareDependencies(ctx: DiffContext, original: ObjectNode, update: ObjectNode): void {
  ctx.at('dependencies', () => {
    const arrayNames = new Set([...original.propertyDependencies.keys(), ...update.propertyDependencies.keys()]);
    for (const name of arrayNames) {
      const before = original.propertyDependencies.get(name);
      const after = update.propertyDependencies.get(name);
      if (after === undefined) ctx.addAt(name, 'DEPENDENCY_ARRAY_REMOVED');
      else if (before === undefined) ctx.addAt(name, 'DEPENDENCY_ARRAY_ADDED', { to: [...after].join(', ') });
      else {
        const added = [...after].filter((p) => !before.has(p));
        const removed = [...before].filter((p) => !after.has(p));
        const values = { from: removed.join(', '), to: added.join(', ') };
        if (added.length === 0 && removed.length === 0) continue;
        if (removed.length === 0) ctx.addAt(name, 'DEPENDENCY_ARRAY_EXTENDED', values);
        else if (added.length === 0) ctx.addAt(name, 'DEPENDENCY_ARRAY_NARROWED', values);
        else ctx.addAt(name, 'DEPENDENCY_ARRAY_CHANGED', values);
      }
    }
    const schemaNames = new Set([...original.schemaDependencies.keys(), ...update.schemaDependencies.keys()]);
    for (const name of schemaNames) {
      const before = original.schemaDependencies.get(name);
      const after = update.schemaDependencies.get(name);
      if (after === undefined) ctx.addAt(name, 'DEPENDENCY_SCHEMA_REMOVED');
      else if (before === undefined) ctx.addAt(name, 'DEPENDENCY_SCHEMA_ADDED');
      else ctx.at(name, () => ctx.compare(before, after));
    }
  });
}

function compareAdditionalProperties(ctx: DiffContext, original: ObjectNode, update: ObjectNode): void {
  ctx.at('additionalProperties', () => {
    if (original.permitsAdditionalProperties !== update.permitsAdditionalProperties) {
      ctx.add(update.permitsAdditionalProperties ? 'ADDITIONAL_PROPERTIES_ADDED' : 'ADDITIONAL_PROPERTIES_REMOVED');
    } else if (original.additionalPropertiesSchema === undefined && update.additionalPropertiesSchema !== undefined) {
      ctx.add('ADDITIONAL_PROPERTIES_NARROWED');
    } else if (original.additionalPropertiesSchema !== undefined && update.additionalPropertiesSchema === undefined) {
      ctx.add('ADDITIONAL_PROPERTIES_EXTENDED');
    } else {
      ctx.compare(original.additionalPropertiesSchema, update.additionalPropertiesSchema);
    }
  });
}

/**
 * `unevaluatedProperties` / `unevaluatedItems` transitions. `false` forbids extras, `true`/`{}` allows all,
 * any other schema narrows them; absent behaves like allow-all but is reported in its own terms.
 */
export function compareUnevaluated(
  ctx: DiffContext,
  keyword: string,
  prefix: string,
  original: SchemaNode | undefined,
  update: SchemaNode | undefined,
): void {
  if (original === undefined && update === undefined) return;
  ctx.at(keyword, () => {
    if (original === undefined) ctx.add(update?.kind === 'false' ? `${prefix}_REMOVED` : `${prefix}_NARROWED`);
    else if (update === undefined) ctx.add(original.kind === 'false' ? `${prefix}_ADDED` : `${prefix}_EXTENDED`);
    else if (original.kind === 'false' && update.kind !== 'false') ctx.add(`${prefix}_ADDED`);
    else if (original.kind !== 'false' && update.kind === 'false') ctx.add(`${prefix}_REMOVED`);
    else if (acceptsEverything(original) && !acceptsEverything(update)) ctx.add(`${prefix}_NARROWED`);
    else if (!acceptsEverything(original) && acceptsEverything(update)) ctx.add(`${prefix}_EXTENDED`);
    else ctx.compare(original, update);
  });
}
