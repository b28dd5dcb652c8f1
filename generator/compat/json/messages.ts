/**
 * One-line, plain-words explanations of differences, naming the property or position concerned.
 * Paths are Confluent's (`#/properties/a/items/maxLength`); they are rendered as `$.a[]`-style locations.
 */
import type { FoundDifference } from './context.js';

interface Location {
  /** `$.owner`, `$.tags[]`, `$[2]`, `$.shape oneOf[1]` … */
  label: string;
  /** The last step named a property (via `properties`, `required` or `dependencies`). */
  property?: string;
}

const BRANCH_KEYWORDS = new Set(['allOf', 'anyOf', 'oneOf']);

export function locate(path: string): Location {
  const segments = path === '#/' || path === '#' ? [] : path.replace(/^#\//, '').split('/');
  let label = '$';
  let property: string | undefined;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as string;
    const next = segments[i + 1];
    if ((segment === 'properties' || segment === 'required' || segment === 'dependencies') && next !== undefined) {
      label += `.${next}`;
      property = label.replace(/^\$\.?/, '');
      i++;
    } else if (segment === 'items') {
      property = undefined;
      if (next !== undefined && /^\d+$/.test(next)) {
        label += `[${next}]`;
        i++;
      } else {
        label += '[]';
      }
    } else if (BRANCH_KEYWORDS.has(segment) && next !== undefined && /^\d+$/.test(next)) {
      label += ` ${segment}[${next}]`;
      property = undefined;
      i++;
    } else if (segment === 'not' && i < segments.length - 1) {
      label += ' not';
      property = undefined;
    } else if (segment === 'additionalProperties' && i < segments.length - 1) {
      label += '.*';
      property = undefined;
    } else if (segment === 'additionalItems' && i < segments.length - 1) {
      label += '[*]';
      property = undefined;
    }
    // Anything else is the keyword the difference is about; the message names it.
  }
  return property === undefined ? { label } : { label, property };
}

function subjectOf(location: Location, relative: boolean): string {
  if (location.property !== undefined) return `property \`${location.property}\``;
  if (location.label === '$') return relative ? 'it' : 'the schema';
  return `\`${relative ? location.label.replace(/^\$\.?\s*/, '') : location.label}\``;
}

/** `MAX_LENGTH` → `maxLength`. */
function keywordOf(prefix: string): string {
  return prefix.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

const BOUND = /^(MAX_LENGTH|MIN_LENGTH|MAXIMUM|MINIMUM|EXCLUSIVE_MAXIMUM|EXCLUSIVE_MINIMUM|MAX_PROPERTIES|MIN_PROPERTIES|MAX_ITEMS|MIN_ITEMS|MAX_CONTAINS|MIN_CONTAINS|MULTIPLE_OF)_(ADDED|REMOVED|INCREASED|DECREASED|EXPANDED|REDUCED|CHANGED)$/;

/**
 * @param relative the path is relative to some enclosing schema (quoted inside another message), so
 * locations are rendered without the `$` root.
 */
export function describeDifference(difference: FoundDifference, relative = false): string {
  const { type, from, to } = difference;
  const location = locate(difference.path);
  const subject = subjectOf(location, relative);
  const name = location.property === undefined ? subject : `\`${location.property}\``;

  const bound = BOUND.exec(type);
  if (bound) {
    const keyword = keywordOf(bound[1] as string);
    switch (bound[2]) {
      case 'ADDED':
        return `${subject}: ${keyword} ${to} was added, so existing values outside it are rejected`;
      case 'REMOVED':
        return `${subject}: ${keyword} ${from} was removed`;
      case 'EXPANDED':
      case 'CHANGED':
        return `${subject}: ${keyword} changed from ${from} to ${to}, so some existing values are rejected`;
      default:
        return `${subject}: ${keyword} ${bound[2] === 'INCREASED' ? 'increased' : 'decreased'} from ${from} to ${to}`;
    }
  }

  switch (type) {
    case 'TYPE_CHANGED':
      return `${subject} changed type from ${from} to ${to}`;
    case 'TYPE_NARROWED':
      return `${subject} narrowed from number to integer, so existing non-integer values are rejected`;
    case 'TYPE_EXTENDED':
      return `${subject} widened from integer to number`;
    case 'SCHEMA_ADDED':
      return `${subject} gained a schema where there was none, so values it did not constrain before may be rejected`;
    case 'PATTERN_ADDED':
      return `${subject}: pattern /${to}/ was added, so existing values not matching it are rejected`;
    case 'PATTERN_CHANGED':
      return `${subject}: pattern changed from /${from}/ to /${to}/ (any change of pattern is breaking)`;
    case 'REQUIRED_ATTRIBUTE_ADDED':
      return `property ${name} became required without a default, so existing data without it is rejected`;
    case 'ADDITIONAL_PROPERTIES_REMOVED':
      return `${subject} no longer allows additional properties, so existing data with extra properties is rejected`;
    case 'ADDITIONAL_PROPERTIES_NARROWED':
      return `${subject} now restricts additional properties to a schema, so existing extra properties may be rejected`;
    case 'UNEVALUATED_PROPERTIES_REMOVED':
      return `${subject} no longer allows unevaluated properties, so existing data with extra properties is rejected`;
    case 'UNEVALUATED_PROPERTIES_NARROWED':
      return `${subject} now restricts unevaluated properties to a schema, so existing extra properties may be rejected`;
    case 'DEPENDENCY_ARRAY_ADDED':
      return `property ${name} now requires ${to} whenever it is present`;
    case 'DEPENDENCY_ARRAY_EXTENDED':
      return `property ${name} now also requires ${to} whenever it is present`;
    case 'DEPENDENCY_ARRAY_CHANGED':
      return `property ${name} changed which properties it requires (no longer ${from}; now ${to})`;
    case 'DEPENDENCY_SCHEMA_ADDED':
      return `property ${name} gained a dependent schema that existing data containing it may not satisfy`;
    case 'REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL':
      return `required property ${name} was added to an open content model without a default`;
    case 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL':
      return `required property ${name} (with a default) was added to an open content model, where existing data may hold ${name} with any value`;
    case 'OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL':
      return `optional property ${name} was added to an open content model, where existing data may hold ${name} with any value`;
    case 'REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL':
      return `required property ${name} was added to a ${from ?? 'closed'} content model without a default`;
    case 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL':
      return `property ${name} was removed from a closed content model, so existing data that has it is rejected`;
    case 'PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL':
      return `property ${name} was removed and the schema for additional properties rejects some of its existing values`;
    case 'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL':
      return `property ${name} was added with a schema narrower than what the writer schema allowed for it as an additional property`;
    case 'UNIQUE_ITEMS_ADDED':
      return `${subject} now requires unique items`;
    case 'ADDITIONAL_ITEMS_REMOVED':
      return `${subject} no longer allows additional items, so existing data with extra items is rejected`;
    case 'ADDITIONAL_ITEMS_NARROWED':
      return `${subject} now restricts additional items to a schema, so existing extra items may be rejected`;
    case 'UNEVALUATED_ITEMS_REMOVED':
      return `${subject} no longer allows unevaluated items, so existing data with extra items is rejected`;
    case 'UNEVALUATED_ITEMS_NARROWED':
      return `${subject} now restricts unevaluated items to a schema, so existing extra items may be rejected`;
    case 'ITEM_ADDED_TO_OPEN_CONTENT_MODEL':
      return `tuple item ${subject} was added to an open array, where existing data may hold any value at that position`;
    case 'ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL':
      return `tuple item ${subject} was removed from a closed array, so existing data with that item is rejected`;
    case 'ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL':
      return `tuple item ${subject} was removed and the schema for additional items rejects some of its existing values`;
    case 'ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL':
      return `tuple item ${subject} was added with a schema narrower than what the writer schema allowed there as an additional item`;
    case 'ENUM_ARRAY_NARROWED':
      return `${subject}: enum values ${from} were removed`;
    case 'ENUM_ARRAY_CHANGED':
      return difference.path.endsWith('/const')
        ? `${subject}: const changed from ${from} to ${to}`
        : `${subject}: enum values changed (removed ${from}; added ${to})`;
    case 'COMBINED_TYPE_CHANGED':
      return `${subject}: ${from} changed to ${to}`;
    case 'PRODUCT_TYPE_EXTENDED':
      return `${subject}: allOf gained subschemas (${from} → ${to}), so existing values must satisfy more`;
    case 'SUM_TYPE_NARROWED':
      return `${subject}: lost alternatives (${from} → ${to}), so existing values of a removed branch are rejected`;
    case 'COMBINED_TYPE_SUBSCHEMAS_CHANGED':
      return `${subject}: subschemas cannot be paired one-to-one with compatible counterparts: ${from}`;
    case 'NOT_TYPE_EXTENDED':
      return `${subject}: its \`not\` schema now excludes values it did not exclude before`;
    default:
      return `${subject}: ${type.toLowerCase().replace(/_/g, ' ')}`;
  }
}
