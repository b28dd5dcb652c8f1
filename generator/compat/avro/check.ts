/**
 * Avro reader/writer compatibility, decided the way Avro Java's `SchemaCompatibility` decides it
 * (and so Confluent Schema Registry): the question is whether a reader with one schema can
 * decode everything a writer with the other schema can write, under the Avro specification's
 * schema-resolution rules.
 *
 * The walk mirrors Java's, including its order and its memo of (reader node, writer node) pairs
 * keyed by node identity: a pair met again while it is still being checked counts as compatible
 * (that is what ends recursion), and a finished pair's result is reused wherever it recurs. The
 * verdicts therefore match Java's even in the corner cases that depend on that memo.
 */
import type { PairFinding } from '../check.js';
import { trailOf, typeWords } from './describe.js';
import {
  type AvroNode,
  type Container,
  type EnumNode,
  findField,
  type FixedNode,
  type NamedNode,
  parseAvroSchema,
  type ParsedSchema,
  pointerOf,
  type RecordNode,
  type UnionNode,
} from './parse.js';
import {
  fixedSizeDetail,
  missingBranchDetail,
  missingDefaultDetail,
  missingSymbolsDetail,
  multipleWriterFieldsDetail,
  nameMismatchDetail,
  typeMismatchDetail,
} from './rules.js';

export { AvroSchemaError, parseAvroSchema, type ParsedSchema } from './parse.js';

const COMPATIBLE_STATUS = 0;
const INCOMPATIBLE_STATUS = 1;
const IN_PROGRESS_STATUS = 2;

/**
 * A finding whose words are written only if it is reported: most findings made while trying
 * the branches of a reader union are dropped, and wording costs more than deciding. `detail`
 * gets the reader field trail of the place the finding is about.
 */
interface Finding {
  rule: string;
  /** The location the finding is about, `suffix` (such as `/name`) appended for its path. */
  site: Container | undefined;
  token: string | number | undefined;
  suffix: string;
  detail: (trail: string) => string;
}

interface Result {
  status: typeof COMPATIBLE_STATUS | typeof INCOMPATIBLE_STATUS | typeof IN_PROGRESS_STATUS;
  findings: readonly Finding[];
}

const COMPATIBLE: Result = Object.freeze({ status: COMPATIBLE_STATUS, findings: Object.freeze([]) });
const IN_PROGRESS: Result = Object.freeze({ status: IN_PROGRESS_STATUS, findings: Object.freeze([]) });

function incompatible(
  rule: string,
  site: Container | undefined,
  token: string | number | undefined,
  suffix: string,
  detail: (trail: string) => string,
): Result {
  return { status: INCOMPATIBLE_STATUS, findings: [{ rule, site, token, suffix, detail }] };
}

function merge(a: Result, b: Result): Result {
  if (b.status === COMPATIBLE_STATUS) return a;
  if (a.status === COMPATIBLE_STATUS) return b;
  return { status: INCOMPATIBLE_STATUS, findings: a.findings.concat(b.findings) };
}

/** Java's `schemaNameEquals`: unqualified names, or a reader alias naming the writer's full name. */
function namesMatch(reader: NamedNode, writer: NamedNode): boolean {
  return reader.name.name === writer.name.name || reader.aliases.has(writer.name.fullName);
}

function pathOf(finding: Finding): string {
  return pointerOf(finding.site, finding.token) + finding.suffix;
}

function isNamed(node: AvroNode): node is NamedNode {
  return node.type === 'record' || node.type === 'enum' || node.type === 'fixed';
}

/** How many details of a failed union branch go into a MISSING_UNION_BRANCH message. */
const EXPLAINED_DETAILS = 3;

/** Up to this many (reader, writer) node pairs the memo is a flat array, beyond it a map. */
const FLAT_MEMO_LIMIT = 1 << 12;

class Walk {
  private readonly flat: (Result | undefined)[] | undefined;
  private readonly map: Map<number, Result> | undefined;

  constructor(
    readerSize: number,
    private readonly writerSize: number,
  ) {
    if (readerSize * writerSize <= FLAT_MEMO_LIMIT) this.flat = new Array<Result | undefined>(readerSize * writerSize);
    else this.map = new Map();
  }

  private recall(key: number): Result | undefined {
    return this.flat !== undefined ? this.flat[key] : this.map?.get(key);
  }

  private remember(key: number, result: Result): void {
    if (this.flat !== undefined) this.flat[key] = result;
    else this.map?.set(key, result);
  }

  /**
   * (`site`, `token`) is where the reader type occurs: a reference's own position, not its
   * definition's. `writerUnion` is the writer union this writer type is a branch of, if any,
   * only for messages.
   */
  check(reader: AvroNode, writer: AvroNode, site: Container | undefined, token: string | number, writerUnion?: UnionNode): Result {
    // Java memoizes every pair. Only pairs of two complex types can lead back to themselves;
    // any other pair's result is the same wherever it is met, so it is worked out on the spot.
    if (reader.id < 0 || writer.id < 0) return this.calculate(reader, writer, site, token, writerUnion);
    if (reader.type !== writer.type && reader.type !== 'union' && writer.type !== 'union') {
      return this.leaf(reader, writer, site, token, writerUnion);
    }
    const key = reader.id * this.writerSize + writer.id;
    const known = this.recall(key);
    if (known !== undefined) return known === IN_PROGRESS ? COMPATIBLE : known;
    this.remember(key, IN_PROGRESS);
    const result = this.calculate(reader, writer, site, token, writerUnion);
    this.remember(key, result);
    return result;
  }

  private calculate(
    reader: AvroNode,
    writer: AvroNode,
    site: Container | undefined,
    token: string | number,
    writerUnion?: UnionNode,
  ): Result {
    if (reader.type === writer.type) {
      switch (reader.type) {
        case 'array':
          return this.check(reader.items, (writer as typeof reader).items, reader, 'items');
        case 'map':
          return this.check(reader.values, (writer as typeof reader).values, reader, 'values');
        case 'fixed': {
          const w = writer as FixedNode;
          let result = this.names(reader, w);
          if (reader.size !== w.size) {
            const detail = (trail: string) => fixedSizeDetail(reader, w, trail);
            result = merge(result, incompatible('FIXED_SIZE_MISMATCH', reader.parent, reader.token, '/size', detail));
          }
          return result;
        }
        case 'enum':
          return merge(this.names(reader, writer as EnumNode), this.symbols(reader, writer as EnumNode));
        case 'record':
          return merge(this.names(reader, writer as RecordNode), this.fields(reader, writer as RecordNode));
        case 'union': {
          // Every branch the writer may write must be readable by the reader union.
          let result = COMPATIBLE;
          for (const branch of (writer as UnionNode).branches) {
            if (this.check(reader, branch, site, token).status === INCOMPATIBLE_STATUS) {
              result = merge(result, this.missingBranch(reader, branch, site, token));
            }
          }
          return result;
        }
        default:
          return COMPATIBLE; // the same primitive type
      }
    }
    if (writer.type === 'union') {
      // A non-union reader must read every branch of the writer union.
      let result = COMPATIBLE;
      for (const branch of writer.branches) result = merge(result, this.check(reader, branch, site, token, writer));
      return result;
    }
    if (reader.type === 'union') {
      // Some branch must read the writer type. Java takes any compatible branch, not the one
      // resolution at run time would pick (the first exact match, else the first promotion).
      const branches = reader.branches;
      for (let i = 0; i < branches.length; i++) {
        if (this.check(branches[i] as AvroNode, writer, reader, i).status === COMPATIBLE_STATUS) return COMPATIBLE;
      }
      return this.missingBranch(reader, writer, site, token);
    }
    return this.leaf(reader, writer, site, token, writerUnion);
  }

  /** Two types neither of which is a union, and not both of the same complex kind. */
  private leaf(
    reader: AvroNode,
    writer: AvroNode,
    site: Container | undefined,
    token: string | number,
    writerUnion: UnionNode | undefined,
  ): Result {
    if (reader.type === writer.type) return COMPATIBLE;
    switch (reader.type) {
      // The promotions of the specification's "Schema Resolution"; nothing else converts.
      case 'long':
        if (writer.type === 'int') return COMPATIBLE;
        break;
      case 'float':
        if (writer.type === 'int' || writer.type === 'long') return COMPATIBLE;
        break;
      case 'double':
        if (writer.type === 'int' || writer.type === 'long' || writer.type === 'float') return COMPATIBLE;
        break;
      case 'bytes':
        if (writer.type === 'string') return COMPATIBLE;
        break;
      case 'string':
        if (writer.type === 'bytes') return COMPATIBLE;
        break;
    }
    return incompatible('TYPE_MISMATCH', site, token, '', (trail) => typeMismatchDetail(reader, writer, trail, writerUnion));
  }

  private names(reader: NamedNode, writer: NamedNode): Result {
    if (namesMatch(reader, writer)) return COMPATIBLE;
    return incompatible('NAME_MISMATCH', reader.parent, reader.token, '/name', (trail) => nameMismatchDetail(reader, writer, trail));
  }

  private symbols(reader: EnumNode, writer: EnumNode): Result {
    // An enum default (always one of the symbols; the parser checks) absorbs unknown symbols.
    if (reader.default !== undefined) return COMPATIBLE;
    let missing: string[] | undefined;
    // Small enums are scanned; a set pays off only for long symbol lists.
    const symbols = reader.symbols;
    const known = symbols.length > 16 ? new Set(symbols) : undefined;
    for (const symbol of writer.symbols) {
      if (!(known ? known.has(symbol) : symbols.includes(symbol))) (missing ??= []).push(symbol);
    }
    if (missing === undefined) return COMPATIBLE;
    const sorted = missing.sort(); // Java reports them from a sorted set
    const detail = (trail: string) => missingSymbolsDetail(reader, sorted, trail);
    return incompatible('MISSING_ENUM_SYMBOLS', reader.parent, reader.token, '/symbols', detail);
  }

  private fields(reader: RecordNode, writer: RecordNode): Result {
    let result = COMPATIBLE;
    for (const field of reader.fields) {
      let match = findField(writer, field.name, field.token);
      if (field.aliases.length > 0) {
        // Java collects the direct match and every alias match, duplicates included (an alias
        // equal to the field's own name counts twice), and refuses to guess between several.
        const matches: string[] = match ? [match.name] : [];
        for (const alias of new Set(field.aliases)) {
          const byAlias = findField(writer, alias);
          if (byAlias !== undefined) {
            matches.push(byAlias.name);
            match = byAlias;
          }
        }
        if (matches.length > 1) {
          const rule = 'READER_FIELD_MATCHES_MULTIPLE_WRITER_FIELDS';
          result = merge(result, incompatible(rule, field, undefined, '', (trail) => multipleWriterFieldsDetail(matches, trail)));
          continue;
        }
      }
      if (match !== undefined) {
        result = merge(result, this.check(field.type, match.type, field, 'type'));
      } else if (!field.hasDefault) {
        // Java then checks an enum that has a default against the writer record, which can
        // only fail; the message says why the enum default does not help.
        const enumType = field.type.type === 'enum' && field.type.default !== undefined ? field.type : undefined;
        const rule = 'READER_FIELD_MISSING_DEFAULT_VALUE';
        result = merge(result, incompatible(rule, field, undefined, '', (trail) => missingDefaultDetail(trail, enumType)));
      }
    }
    return result;
  }

  private missingBranch(reader: UnionNode, writer: AvroNode, site: Container | undefined, token: string | number): Result {
    const detail = (trail: string) => missingBranchDetail(reader, writer, trail, this.closest(reader, writer));
    return incompatible('MISSING_UNION_BRANCH', site, token, '', detail);
  }

  /**
   * Why the most likely reader branch (same kind, and same name for named types) refused the
   * writer type. Its result is in the memo, because every branch was tried before this is asked.
   */
  private closest(reader: UnionNode, writer: AvroNode): string | undefined {
    let best: AvroNode | undefined;
    for (const branch of reader.branches) {
      if (branch.type !== writer.type) continue;
      if (best === undefined) best = branch;
      if (isNamed(branch) && namesMatch(branch, writer as NamedNode)) {
        best = branch;
        break;
      }
    }
    if (best === undefined || best.id < 0) return undefined;
    const result = this.recall(best.id * this.writerSize + writer.id);
    if (result === undefined || result.findings.length === 0) return undefined;
    const details = result.findings.slice(0, EXPLAINED_DETAILS).map(word);
    const more = result.findings.length - details.length;
    return `its ${typeWords(best)} branch does not match: ${details.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
  }

}

function word(finding: Finding): string {
  return finding.detail(trailOf(finding.site, finding.token));
}

function report(findings: readonly Finding[]): PairFinding[] {
  const out: PairFinding[] = [];
  // A memoized result reappears wherever its pair recurs, and two pairs may fail alike:
  // report each finding once. Lists are short, so duplicates are found by scanning.
  for (const finding of findings) {
    const path = pathOf(finding);
    const detail = word(finding);
    if (!out.some((f) => f.rule === finding.rule && f.path === path && f.detail === detail)) {
      out.push({ rule: finding.rule, path, detail });
    }
  }
  return out;
}

/** Checks two schemas parsed with `parseAvroSchema`; parsed schemas are immutable and reusable. */
export function checkParsedAvroPair(reader: ParsedSchema, writer: ParsedSchema): PairFinding[] {
  const walk = new Walk(reader.size, writer.size);
  return report(walk.check(reader.root, writer.root, undefined, '').findings);
}

/**
 * Can a reader with schema `reader` decode data written with schema `writer`? Both are parsed
 * JSON (object, union array or type name). Returns one finding per incompatibility, with a JSON
 * pointer into the reader schema; an empty list means compatible. Throws `AvroSchemaError` for
 * an invalid schema.
 */
export function checkAvroPair(reader: unknown, writer: unknown): PairFinding[] {
  return checkParsedAvroPair(parseAvroSchema(reader, 'reader'), parseAvroSchema(writer, 'writer'));
}
