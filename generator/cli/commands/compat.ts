import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { CommandModule } from 'yargs';
import { checkCompatibility } from '../../compat/check.js';
import { COMPATIBILITY_LEVELS, isCompatibilityLevel, type CompatibilityLevel } from '../../compat/levels.js';
import type { CompatibilityResult, JsonCompatibilityPolicy, SchemaFormat } from '../../compat/model.js';
import { schemaFromInput, schemaInputProblem } from '../../compat/validate-input.js';
import { isJsonSyntaxError, parseJsonSource } from '../../contracts/json-source.js';
import { CliError, ExitCode } from '../exit-codes.js';

interface CompatArgs {
  format?: SchemaFormat;
  level: CompatibilityLevel;
  policy: JsonCompatibilityPolicy;
  json: boolean;
  batch: boolean;
  files?: string[];
}

interface BatchRequest {
  id?: unknown;
  format?: unknown;
  level?: unknown;
  policy?: unknown;
  new?: unknown;
  old?: unknown;
}

export const compatCommand: CommandModule<object, CompatArgs> = {
  command: 'compat [files..]',
  describe: 'Check a schema against earlier versions (NEW_FILE OLD_FILE..., oldest first), or JSON lines with --batch',
  builder: (yargs) =>
    yargs
      .positional('files', { type: 'string', array: true, describe: 'the new schema, then earlier versions oldest first' })
      .option('format', { choices: ['avro', 'json'] as const, describe: 'schema format (default: from the file extension)' })
      .option('level', { choices: COMPATIBILITY_LEVELS, default: 'BACKWARD' as CompatibilityLevel, describe: 'Confluent compatibility level' })
      .option('policy', { choices: ['STRICT', 'LENIENT'] as const, default: 'STRICT' as JsonCompatibilityPolicy, describe: "JSON Schema: Confluent's STRICT or LENIENT policy" })
      .option('json', { type: 'boolean', default: false, describe: 'print {"compatible", "messages"} as JSON' })
      .option('batch', {
        type: 'boolean',
        default: false,
        describe: 'read JSON lines {"id","format","level","new","old":[...]} on stdin, answer one line each',
      })
      .example('$0 compat --level FULL_TRANSITIVE v3.avsc v1.avsc v2.avsc', 'v3 against v1 and v2')
      .example('$0 compat --batch < requests.jsonl', 'many checks in one process')
      .epilogue('Exit codes: 0 compatible (with --batch: every line answered), 1 incompatible, 2 invalid input or usage.'),
  handler: async (args) => {
    if (args.batch) {
      if (args.files?.length) throw new CliError('--batch reads requests from stdin; do not also name files');
      await runBatch();
      return;
    }
    const files = args.files ?? [];
    if (files.length < 1) throw new CliError('name the new schema file, then earlier versions oldest first (or use --batch)');
    const format = args.format ?? formatFromName(files[0]!);
    const [schema, ...previous] = await Promise.all(files.map((file) => readSchemaFile(file, format)));
    const result = checkCompatibility({
      format,
      level: args.level,
      schema,
      previous,
      labels: { schema: files[0]!, previous: files.slice(1) },
      jsonPolicy: args.policy,
    });
    if (args.json) process.stdout.write(JSON.stringify(resultJson(result)) + '\n');
    else if (result.compatible) process.stdout.write(`compatible (${args.level})\n`);
    else process.stdout.write(`incompatible (${args.level}):\n${result.messages.map((m) => `  ${m.rule} at ${m.path || '/'}: ${m.message}`).join('\n')}\n`);
    process.exitCode = result.compatible ? ExitCode.Ok : ExitCode.Failed;
  },
};

function formatFromName(file: string): SchemaFormat {
  if (file.endsWith('.avsc')) return 'avro';
  if (file.endsWith('.json')) return 'json';
  throw new CliError(`cannot tell the format of ${file} from its name; pass --format avro or --format json`);
}

async function readSchemaFile(file: string, format: SchemaFormat): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const parsed = parseJsonSource(file, text);
  if (isJsonSyntaxError(parsed)) throw new CliError(`${file}:${parsed.line}:${parsed.column}: invalid JSON: ${parsed.message}`);
  const problem = schemaInputProblem(format, parsed.value);
  if (problem) throw new CliError(`${file}: ${problem}`);
  return parsed.value;
}

function resultJson(result: CompatibilityResult): { compatible: boolean; messages: string[]; details: CompatibilityResult['messages'] } {
  return { compatible: result.compatible, messages: result.messages.map((m) => m.message), details: result.messages };
}

/** One answer per request line, in order; a bad line gets `{"id","error"}` and the batch goes on. */
async function runBatch(): Promise<void> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (line.trim() === '') continue;
    process.stdout.write(JSON.stringify(answer(line, lineNumber)) + '\n');
  }
  process.exitCode = ExitCode.Ok;
}

function answer(line: string, lineNumber: number): Record<string, unknown> {
  let request: BatchRequest;
  try {
    request = JSON.parse(line) as BatchRequest;
  } catch (error) {
    return { id: null, error: `line ${lineNumber}: invalid JSON: ${(error as Error).message}` };
  }
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    return { id: null, error: `line ${lineNumber}: a request must be a JSON object` };
  }
  const id = request.id ?? null;
  const fail = (message: string): Record<string, unknown> => ({ id, error: `line ${lineNumber}: ${message}` });
  if (request.format !== 'avro' && request.format !== 'json') return fail('"format" must be "avro" or "json"');
  const level = request.level ?? 'BACKWARD';
  if (!isCompatibilityLevel(level)) return fail(`unknown "level" ${JSON.stringify(level)}; expected one of ${COMPATIBILITY_LEVELS.join(', ')}`);
  const policy = request.policy ?? 'STRICT';
  if (policy !== 'STRICT' && policy !== 'LENIENT') return fail('"policy" must be "STRICT" or "LENIENT"');
  if (!('new' in request)) return fail('missing "new"');
  const old = request.old ?? [];
  if (!Array.isArray(old)) return fail('"old" must be an array of schemas, oldest first');
  const schema = schemaFromInput(request.new);
  const previous = old.map(schemaFromInput);
  for (const [label, candidate] of [['new', schema], ...previous.map((p, i) => [`old[${i}]`, p] as const)] as const) {
    const problem = schemaInputProblem(request.format, candidate);
    if (problem) return fail(`${label}: ${problem}`);
  }
  try {
    return { id, ...resultJson(checkCompatibility({ format: request.format, level, schema, previous, jsonPolicy: policy })) };
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
}
