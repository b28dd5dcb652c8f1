import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CommandModule } from 'yargs';
import type { Progress } from '../../codegen/pipeline.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { loadProjectOrExit, withProject, type ProjectArgs } from '../project.js';
import { count } from '../terminal.js';

interface GenerateArgs extends ProjectArgs {
  out?: string;
  check: boolean;
  quiet: boolean;
  cache: boolean;
}

/** Trees with more domains than this get a progress line on stderr. */
const PROGRESS_THRESHOLD = 20;

export const generateCommand: CommandModule<object, GenerateArgs> = {
  command: 'generate',
  describe: 'Generate types, serde and typed clients from the contracts into generated/',
  builder: (yargs) =>
    withProject(yargs)
      .option('out', { type: 'string', describe: 'output folder (default: outDir of herald.json, "generated")' })
      .option('check', { type: 'boolean', default: false, describe: 'write nothing; exit 1 when the output on disk is stale (for CI)' })
      .option('quiet', { type: 'boolean', default: false, describe: 'print nothing on success' })
      .option('cache', { type: 'boolean', default: true, describe: 'reuse unchanged domains from .herald/cache (--no-cache: render everything)' })
      .example('$0 generate', 'write generated/ for the contracts in schemas/')
      .example('$0 generate --check', 'fail (exit 1) when generated/ is not what the contracts produce'),
  handler: async (args) => {
    // Loaded here, not at the top, so other commands do not pay for ajv and handlebars at start-up.
    const { generate, startWorker, upToDate, WORKER_THRESHOLD } = await import('../../codegen/pipeline.js');
    // Nothing changed since the last run (inputs and output byte-for-byte the same): done, without loading anything.
    const settings = readSettings(args.cwd);
    const outDir = args.out ? path.resolve(args.cwd, args.out) : path.resolve(args.cwd, settings.outDir);
    const unchanged = args.cache ? await upToDate(args.cwd, path.resolve(args.cwd, settings.schemasDir), outDir) : undefined;
    if (unchanged) {
      const where = path.relative(args.cwd, outDir) || '.';
      if (!args.quiet) {
        process.stdout.write(args.check ? `${where}/ is up to date (${unchanged.files} files; contracts unchanged since the last run)\n` : `nothing changed in ${where}/ (${unchanged.files} files; contracts unchanged since the last run)\n`);
      }
      process.exitCode = ExitCode.Ok;
      return;
    }
    // Large trees get a second thread for JSON Schema validators; it starts on the first validators it is given (never, on an Avro-only tree).
    const files = countSchemaFiles(args.cwd);
    const worker = files >= WORKER_THRESHOLD ? startWorker() : undefined;
    if (files >= WORKER_THRESHOLD && !args.quiet) process.stderr.write(`herald generate: loading and checking ${files} contract files\n`);
    try {
      await run(args, generate, worker);
    } finally {
      await worker?.close();
    }
  },
};

/** `schemasDir` and `outDir` of herald.json, read leniently (loading the project reports any problem with it). */
function readSettings(cwd: string): { schemasDir: string; outDir: string } {
  const settings = { schemasDir: 'schemas', outDir: 'generated' };
  try {
    const config = JSON.parse(readFileSync(path.join(cwd, 'herald.json'), 'utf8')) as { schemasDir?: unknown; outDir?: unknown };
    if (typeof config.schemasDir === 'string') settings.schemasDir = config.schemasDir;
    if (typeof config.outDir === 'string') settings.outDir = config.outDir;
  } catch {
    // No or unreadable herald.json: loading the project reports it.
  }
  return settings;
}

/** A quick estimate of the tree's size (schema files under the schemas folder), before loading anything. */
function countSchemaFiles(cwd: string): number {
  const { schemasDir } = readSettings(cwd);
  try {
    return readdirSync(path.resolve(cwd, schemasDir), { recursive: true }).filter((f) => /\.(avsc|schema\.json)$/.test(String(f))).length;
  } catch {
    return 0;
  }
}

async function run(args: GenerateArgs, generate: typeof import('../../codegen/pipeline.js').generate, worker: import('../../codegen/pool.js').CodegenWorker | undefined): Promise<void> {
  {
    const contracts = await loadProjectOrExit(args);
    const outDir = args.out ? path.resolve(args.cwd, args.out) : contracts.config.outDir;
    const showProgress = contracts.domains.length > PROGRESS_THRESHOLD && !args.quiet;
    const interactive = Boolean(process.stderr.isTTY);
    let lastReported = 0;
    const onProgress = showProgress
      ? ({ done, total, domain }: Progress) => {
          const now = Date.now();
          if (done !== total && now - lastReported < 250) return;
          lastReported = now;
          const line = `herald generate: ${done}/${total} domains (${domain})`;
          process.stderr.write(interactive ? `\r${line.padEnd(70)}${done === total ? '\n' : ''}` : `${line}\n`);
        }
      : undefined;
    let result;
    try {
      result = await generate(contracts, { outDir, check: args.check, onProgress, worker, incremental: args.cache });
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw new CliError(`generate failed: ${(error as Error).message}`, ExitCode.Internal);
    }
    const where = path.relative(args.cwd, result.outDir) || '.';
    if (args.check) {
      const stale = [...result.stale, ...result.removed.map((f) => `${f} (no longer generated)`)];
      if (stale.length) {
        process.stderr.write(`${where}/ is stale: ${stale.length} file(s) differ from what the contracts generate:\n${stale.map((f) => `  ${where}/${f}`).join('\n')}\nRun \`herald generate\` and commit the result.\n`);
        process.exitCode = ExitCode.Failed;
        return;
      }
      if (!args.quiet) process.stdout.write(`${where}/ is up to date (${count(result.files, 'file')} from ${count(result.events, 'event version')} in ${count(result.domains, 'domain')})\n`);
      process.exitCode = ExitCode.Ok;
      return;
    }
    if (!args.quiet) {
      const changes = result.written.length + result.removed.length;
      process.stdout.write(
        `${changes ? `wrote ${result.written.length} file(s)${result.removed.length ? `, removed ${result.removed.length}` : ''}` : 'nothing changed'}` +
          ` in ${where}/ (${count(result.files, 'file')} from ${count(result.events, 'event version')} in ${count(result.domains, 'domain')}; ${result.unchanged} unchanged)\n`,
      );
    }
    process.exitCode = ExitCode.Ok;
  }
}
