/**
 * The Avro compatibility rules, as data.
 *
 * The ids are Avro Java's `SchemaIncompatibilityType` names, which Confluent Schema Registry
 * reports as `errorType`, so a user can match herald's output with the registry's. One id is
 * herald's own: Avro Java throws instead of reporting when a reader field matches several writer
 * fields (Confluent then answers "Unexpected exception during compatibility check").
 *
 * Details are written to follow "<reader> readers cannot read <writer> data: ", which
 * `generator/compat/check.ts` puts in front, and they hold in both directions (the reader is the
 * new schema for BACKWARD pairs and the old one for FORWARD pairs), so they say "written" and
 * "read" rather than "added" and "removed".
 */
import { listWords, namedWords, placeWords, typeWords } from './describe.js';
import type { AvroNode, EnumNode, FixedNode, NamedNode, UnionNode } from './parse.js';

export const AVRO_RULE_IDS = [
  'NAME_MISMATCH',
  'FIXED_SIZE_MISMATCH',
  'MISSING_ENUM_SYMBOLS',
  'READER_FIELD_MISSING_DEFAULT_VALUE',
  'TYPE_MISMATCH',
  'MISSING_UNION_BRANCH',
  'READER_FIELD_MATCHES_MULTIPLE_WRITER_FIELDS',
] as const;

export type AvroRuleId = (typeof AVRO_RULE_IDS)[number];

export interface AvroRule {
  id: AvroRuleId;
  description: string;
  /** Where the finding's JSON pointer points in the reader schema. */
  pointsAt: string;
}

export const AVRO_RULES: Readonly<Record<AvroRuleId, AvroRule>> = {
  NAME_MISMATCH: {
    id: 'NAME_MISMATCH',
    description:
      'A record, enum or fixed type is read under an unqualified name that differs from the written one, and none of its aliases names the written type.',
    pointsAt: 'the `name` of the reader type',
  },
  FIXED_SIZE_MISMATCH: {
    id: 'FIXED_SIZE_MISMATCH',
    description: 'A fixed type is read with a different size than it was written with.',
    pointsAt: 'the `size` of the reader type',
  },
  MISSING_ENUM_SYMBOLS: {
    id: 'MISSING_ENUM_SYMBOLS',
    description: 'The writer may write enum symbols that the reader enum lacks, and the reader enum has no default.',
    pointsAt: 'the `symbols` of the reader enum',
  },
  READER_FIELD_MISSING_DEFAULT_VALUE: {
    id: 'READER_FIELD_MISSING_DEFAULT_VALUE',
    description: 'A reader field has no counterpart in the writer record (by name or alias) and no default value.',
    pointsAt: 'the reader field',
  },
  TYPE_MISMATCH: {
    id: 'TYPE_MISMATCH',
    description:
      'A written type cannot be read as the reader type: different kinds, or a conversion Avro does not promote (only int→long/float/double, long→float/double, float→double, string↔bytes are).',
    pointsAt: 'the reader type',
  },
  MISSING_UNION_BRANCH: {
    id: 'MISSING_UNION_BRANCH',
    description: 'A reader union has no branch that can read a type the writer may write.',
    pointsAt: 'the reader union',
  },
  READER_FIELD_MATCHES_MULTIPLE_WRITER_FIELDS: {
    id: 'READER_FIELD_MATCHES_MULTIPLE_WRITER_FIELDS',
    description:
      'A reader field matches more than one writer field through its name and aliases, so Avro cannot tell which one to read (Avro Java fails the check).',
    pointsAt: 'the reader field',
  },
};

// ---------------------------------------------------------------------------------------------
// Details. `trail` is the field path in the reader (see describe.ts).

export function typeMismatchDetail(reader: AvroNode, writer: AvroNode, trail: string, writerUnion?: UnionNode): string {
  const written = writerUnion ? `${typeWords(writer)} (a branch of ${typeWords(writerUnion)})` : typeWords(writer);
  return `${placeWords(trail)} changed type: written as ${written}, read as ${typeWords(reader)}`;
}

export function missingDefaultDetail(trail: string, enumWithDefault?: EnumNode): string {
  const base = `${placeWords(trail)} is missing from the written data and has no default`;
  // Avro Java lets an enum's own default stand in, but only by comparing the enum with the
  // writer record, which can never succeed; say so instead of reporting that odd comparison.
  return enumWithDefault ? `${base} (the default of enum \`${enumWithDefault.name.fullName}\` is not a field default)` : base;
}

export function missingSymbolsDetail(reader: EnumNode, missing: readonly string[], trail: string): string {
  const symbols = missing.length === 1 ? `symbol ${listWords(missing)}` : `symbols ${listWords(missing)}`;
  return `${namedWords(reader, trail)} has no ${symbols} and no default`;
}

export function nameMismatchDetail(reader: NamedNode, writer: NamedNode, trail: string): string {
  return `${namedWords(reader, trail)} is written as \`${writer.name.fullName}\`; the names differ and no alias matches`;
}

export function fixedSizeDetail(reader: FixedNode, writer: FixedNode, trail: string): string {
  return `${namedWords(reader, trail)} has size ${reader.size} but is written with size ${writer.size}`;
}

export function missingBranchDetail(reader: UnionNode, writer: AvroNode, trail: string, closest?: string): string {
  const base = `${placeWords(trail)} cannot read the written ${typeWords(writer)}: no branch of ${typeWords(reader)} accepts it`;
  return closest ? `${base} (${closest})` : base;
}

export function multipleWriterFieldsDetail(matches: readonly string[], trail: string): string {
  return `${placeWords(trail)} matches several written fields through its name and aliases (${listWords(matches)}), so Avro cannot choose one`;
}
