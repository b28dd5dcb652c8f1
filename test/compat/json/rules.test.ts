/**
 * One fixture per incompatible difference type: test/fixtures/compat/json/<TYPE>/{previous,current}.schema.json.
 * Checked BACKWARD (the current schema reads data written with the previous one), each must report its
 * rule at the expected path, be incompatible under STRICT, and be compatible under LENIENT exactly when
 * the type is a LENIENT relaxation and nothing else in the fixture breaks.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkJsonPair } from '../../../generator/compat/json/check.js';
import { diffJsonSchemas } from '../../../generator/compat/json/diff.js';
import { DIFFERENCE_TYPES } from '../../../generator/compat/json/differences.js';

const FIXTURES = new URL('../../fixtures/compat/json/', import.meta.url);

interface RuleCase {
  /** Where the rule is reported. */
  path: string;
  /** Words the one-line detail must contain (the property or position, and what happened). */
  mentions: string[];
}

/** Expectations per rule; the fixtures are the schemas. */
const RULES: Record<string, RuleCase> = {
  SCHEMA_ADDED: { path: '#/properties/tags/items', mentions: ['$.tags[]', 'gained a schema'] },
  TYPE_NARROWED: { path: '#/properties/price', mentions: ['`price`', 'number to integer'] },
  TYPE_CHANGED: { path: '#/properties/owner', mentions: ['property `owner` changed type from string to integer'] },
  MAX_LENGTH_ADDED: { path: '#/properties/name/maxLength', mentions: ['`name`', 'maxLength 50'] },
  MAX_LENGTH_DECREASED: { path: '#/properties/name/maxLength', mentions: ['`name`', 'from 100 to 50'] },
  MIN_LENGTH_ADDED: { path: '#/properties/name/minLength', mentions: ['`name`', 'minLength 1'] },
  MIN_LENGTH_INCREASED: { path: '#/properties/name/minLength', mentions: ['`name`', 'from 1 to 3'] },
  PATTERN_ADDED: { path: '#/properties/sku/pattern', mentions: ['`sku`', 'pattern'] },
  PATTERN_CHANGED: { path: '#/properties/sku/pattern', mentions: ['`sku`', '/^[A-Z]{2}-[0-9]+$/'] },
  MAXIMUM_ADDED: { path: '#/properties/quantity/maximum', mentions: ['`quantity`', 'maximum 100'] },
  MAXIMUM_DECREASED: { path: '#/properties/quantity/maximum', mentions: ['`quantity`', 'from 1000 to 100'] },
  MINIMUM_ADDED: { path: '#/properties/quantity/minimum', mentions: ['`quantity`', 'minimum 1'] },
  MINIMUM_INCREASED: { path: '#/properties/quantity/minimum', mentions: ['`quantity`', 'from 0 to 1'] },
  EXCLUSIVE_MAXIMUM_ADDED: { path: '#/properties/discount/exclusiveMaximum', mentions: ['`discount`', 'exclusiveMaximum 1'] },
  EXCLUSIVE_MAXIMUM_DECREASED: { path: '#/properties/discount/exclusiveMaximum', mentions: ['`discount`', 'from 1 to 0.5'] },
  EXCLUSIVE_MINIMUM_ADDED: { path: '#/properties/amount/exclusiveMinimum', mentions: ['`amount`', 'exclusiveMinimum 0'] },
  EXCLUSIVE_MINIMUM_INCREASED: { path: '#/properties/amount/exclusiveMinimum', mentions: ['`amount`', 'from 0 to 10'] },
  MULTIPLE_OF_ADDED: { path: '#/properties/amount/multipleOf', mentions: ['`amount`', 'multipleOf 0.01'] },
  MULTIPLE_OF_EXPANDED: { path: '#/properties/amount/multipleOf', mentions: ['`amount`', 'from 0.01 to 0.05'] },
  MULTIPLE_OF_CHANGED: { path: '#/properties/amount/multipleOf', mentions: ['`amount`', 'from 0.02 to 0.03'] },
  REQUIRED_ATTRIBUTE_ADDED: { path: '#/required/email', mentions: ['`email`', 'became required'] },
  MAX_PROPERTIES_ADDED: { path: '#/properties/labels/maxProperties', mentions: ['`labels`', 'maxProperties 10'] },
  MAX_PROPERTIES_DECREASED: { path: '#/properties/labels/maxProperties', mentions: ['`labels`', 'from 20 to 10'] },
  MIN_PROPERTIES_ADDED: { path: '#/properties/labels/minProperties', mentions: ['`labels`', 'minProperties 1'] },
  MIN_PROPERTIES_INCREASED: { path: '#/properties/labels/minProperties', mentions: ['`labels`', 'from 1 to 2'] },
  ADDITIONAL_PROPERTIES_REMOVED: { path: '#/additionalProperties', mentions: ['no longer allows additional properties'] },
  ADDITIONAL_PROPERTIES_NARROWED: { path: '#/additionalProperties', mentions: ['restricts additional properties'] },
  DEPENDENCY_ARRAY_ADDED: { path: '#/dependencies/credit_card', mentions: ['`credit_card`', 'billing_address'] },
  DEPENDENCY_ARRAY_EXTENDED: { path: '#/dependencies/credit_card', mentions: ['`credit_card`', 'cvv'] },
  DEPENDENCY_ARRAY_CHANGED: { path: '#/dependencies/credit_card', mentions: ['`credit_card`', 'billing_address', 'cvv'] },
  DEPENDENCY_SCHEMA_ADDED: { path: '#/dependencies/credit_card', mentions: ['`credit_card`', 'dependent schema'] },
  REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL: {
    path: '#/properties/email',
    mentions: ['required property `email` was added to an open content model without a default'],
  },
  REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL: { path: '#/properties/email', mentions: ['`email`', 'open content model'] },
  OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL: { path: '#/properties/email', mentions: ['optional property `email`', 'open content model'] },
  REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL: {
    path: '#/properties/email',
    mentions: ['required property `email` was added to a closed content model without a default'],
  },
  PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL: { path: '#/properties/note', mentions: ['`note`', 'closed content model'] },
  PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: { path: '#/properties/labels', mentions: ['`labels`', 'removed'] },
  PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: { path: '#/properties/labels', mentions: ['`labels`', 'narrower'] },
  UNEVALUATED_PROPERTIES_REMOVED: { path: '#/unevaluatedProperties', mentions: ['no longer allows unevaluated properties'] },
  UNEVALUATED_PROPERTIES_NARROWED: { path: '#/unevaluatedProperties', mentions: ['restricts unevaluated properties'] },
  MAX_ITEMS_ADDED: { path: '#/properties/tags/maxItems', mentions: ['`tags`', 'maxItems 10'] },
  MAX_ITEMS_DECREASED: { path: '#/properties/tags/maxItems', mentions: ['`tags`', 'from 20 to 10'] },
  MIN_ITEMS_ADDED: { path: '#/properties/tags/minItems', mentions: ['`tags`', 'minItems 1'] },
  MIN_ITEMS_INCREASED: { path: '#/properties/tags/minItems', mentions: ['`tags`', 'from 1 to 2'] },
  MAX_CONTAINS_ADDED: { path: '#/properties/tags/maxContains', mentions: ['`tags`', 'maxContains 1'] },
  MAX_CONTAINS_DECREASED: { path: '#/properties/tags/maxContains', mentions: ['`tags`', 'from 3 to 1'] },
  MIN_CONTAINS_ADDED: { path: '#/properties/tags/minContains', mentions: ['`tags`', 'minContains 1'] },
  MIN_CONTAINS_INCREASED: { path: '#/properties/tags/minContains', mentions: ['`tags`', 'from 1 to 2'] },
  UNIQUE_ITEMS_ADDED: { path: '#/properties/tags/uniqueItems', mentions: ['`tags`', 'unique items'] },
  ADDITIONAL_ITEMS_REMOVED: { path: '#/properties/point/additionalItems', mentions: ['`point`', 'no longer allows additional items'] },
  ADDITIONAL_ITEMS_NARROWED: { path: '#/properties/point/additionalItems', mentions: ['`point`', 'restricts additional items'] },
  UNEVALUATED_ITEMS_REMOVED: { path: '#/properties/point/unevaluatedItems', mentions: ['`point`', 'unevaluated items'] },
  UNEVALUATED_ITEMS_NARROWED: { path: '#/properties/point/unevaluatedItems', mentions: ['`point`', 'unevaluated items'] },
  ITEM_ADDED_TO_OPEN_CONTENT_MODEL: { path: '#/properties/point/items/2', mentions: ['`$.point[2]`', 'open array'] },
  ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL: { path: '#/properties/point/items/2', mentions: ['`$.point[2]`', 'closed array'] },
  ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: { path: '#/properties/point/items/2', mentions: ['`$.point[2]`', 'removed'] },
  ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: { path: '#/properties/point/items/2', mentions: ['`$.point[2]`', 'narrower'] },
  ENUM_ARRAY_NARROWED: { path: '#/properties/status/enum', mentions: ['`status`', '"shipped"'] },
  ENUM_ARRAY_CHANGED: { path: '#/properties/status/enum', mentions: ['`status`', '"paid"', '"settled"'] },
  COMBINED_TYPE_CHANGED: { path: '#/properties/ref', mentions: ['`ref`', 'anyOf changed to oneOf'] },
  PRODUCT_TYPE_EXTENDED: { path: '#/properties/code', mentions: ['`code`', 'allOf'] },
  SUM_TYPE_NARROWED: { path: '#/properties/ref', mentions: ['`ref`', '2 → 1'] },
  COMBINED_TYPE_SUBSCHEMAS_CHANGED: { path: '#/properties/ref', mentions: ['`ref`', 'oneOf[1] (integer)'] },
  NOT_TYPE_EXTENDED: { path: '#/properties/code/not', mentions: ['`code`', '`not`'] },
};

function readFixture(rule: string, name: 'previous' | 'current'): unknown {
  return JSON.parse(readFileSync(new URL(`${rule}/${name}.schema.json`, FIXTURES), 'utf8'));
}

const fixtureDirs = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'conformance')
  .map((d) => d.name)
  .sort();

describe('JSON Schema rules', () => {
  it('has a fixture for every difference type that is not always compatible, and expectations for each', () => {
    const incompatibleTypes = Object.entries(DIFFERENCE_TYPES)
      .filter(([, cls]) => cls !== 'STRICT')
      .map(([type]) => type)
      .sort();
    expect(fixtureDirs).toEqual(incompatibleTypes);
    expect(Object.keys(RULES).sort()).toEqual(incompatibleTypes);
  });

  describe.each(Object.entries(RULES))('%s', (rule, expected) => {
    const previous = readFixture(rule, 'previous');
    const current = readFixture(rule, 'current');
    const lenientRelaxation = DIFFERENCE_TYPES[rule as keyof typeof DIFFERENCE_TYPES] === 'LENIENT';

    it(`is reported at ${expected.path} and breaks BACKWARD compatibility under STRICT`, () => {
      const findings = checkJsonPair(current, previous, 'STRICT');
      const finding = findings.find((f) => f.rule === rule);
      expect(finding, JSON.stringify(findings)).toBeDefined();
      expect(finding?.path).toBe(expected.path);
      expect(diffJsonSchemas(previous, current)).toContainEqual({ type: rule, path: expected.path });
    });

    it('explains itself in one line naming what changed', () => {
      const finding = checkJsonPair(current, previous, 'STRICT').find((f) => f.rule === rule);
      const detail = finding?.detail ?? '';
      expect(detail).not.toMatch(/\n/);
      for (const words of expected.mentions) expect(detail).toContain(words);
    });

    it(lenientRelaxation ? 'is accepted under LENIENT' : 'is refused under LENIENT too', () => {
      expect(checkJsonPair(current, previous, 'LENIENT').length === 0).toBe(lenientRelaxation);
    });

    it('is not reported when nothing changed', () => {
      expect(checkJsonPair(previous, previous, 'STRICT')).toEqual([]);
      expect(checkJsonPair(current, current, 'STRICT')).toEqual([]);
    });
  });
});
