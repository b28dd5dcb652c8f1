import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ContractSet, Domain, EventVersion } from '../contracts/model.js';
import type { EmittedFile } from './emit.js';

/**
 * Incremental generation: a domain whose inputs (its domain.json, its contract files, and the
 * generator itself) are unchanged since the last run, and whose output files on disk are exactly
 * what that run wrote, is not rendered again. The manifest lives in `.herald/cache/codegen.json`
 * (not committed); a fresh checkout or a new output folder always generates from scratch.
 */

interface Manifest {
  generator: string;
  /** By output folder: the hash of every input file of the last run that wrote it, and every file it wrote. */
  trees?: Record<string, { inputs: string; files: Record<string, string> }>;
  /** By output folder, then by domain: the input key and the hash of each file written. */
  outputs: Record<string, Record<string, { key: string; files: Record<string, string> }>>;
}

const sha256 = (text: string | Buffer): string => createHash('sha256').update(text).digest('hex');

let generatorFingerprint: string | undefined;

/** A hash of the generator's own code and templates: a new herald version invalidates the cache. */
function generatorHash(): string {
  if (generatorFingerprint) return generatorFingerprint;
  const hash = createHash('sha256');
  const here = path.dirname(fileURLToPath(import.meta.url));
  // The generator, the runtime parts it shares, and the contract loader (a lint rule change may reject contracts).
  const dirs = [here, path.resolve(here, '../../runtime/codec'), path.resolve(here, '../contracts')];
  let dir = here;
  while (path.dirname(dir) !== dir && !existsSync(path.join(dir, 'templates', 'code'))) dir = path.dirname(dir);
  dirs.push(path.join(dir, 'templates', 'code'));
  for (const d of dirs) {
    if (!existsSync(d)) continue;
    for (const name of readdirSync(d).sort()) {
      if (/\.(js|ts|hbs)$/.test(name) && !name.endsWith('.d.ts') && !name.endsWith('.map')) hash.update(name).update(readFileSync(path.join(d, name)));
    }
  }
  // The libraries whose output lands in generated files (ajv's standalone code above all).
  const require = createRequire(import.meta.url);
  for (const name of ['ajv', 'ajv-formats', 'handlebars', 'avsc']) {
    try {
      hash.update(`${name}@${(require(`${name}/package.json`) as { version: string }).version}`);
    } catch {
      hash.update(`${name}@?`);
    }
  }
  generatorFingerprint = hash.digest('hex');
  return generatorFingerprint;
}

export function domainKey(domain: Domain, versions: readonly EventVersion[], sourceDir: string): string {
  return sha256(
    JSON.stringify([
      sourceDir,
      domain.name,
      domain.namespace,
      domain.topic,
      domain.key,
      domain.description ?? null,
      versions.map((v) => [v.file, v.subject, v.type, v.version, v.format, sha256(v.text)]),
    ]),
  );
}

/**
 * Every file the output depends on: herald.json and everything under the schemas folder, as text
 * (a leading byte-order mark dropped: the output does not depend on it). `known` holds texts
 * already read while loading the contracts, by absolute path, so those files are not read twice.
 */
export async function inputsHash(root: string, schemasDir: string, known: ReadonlyMap<string, string> = new Map()): Promise<string> {
  const hash = createHash('sha256');
  const files = [path.join(root, 'herald.json')];
  try {
    for (const entry of readdirSync(schemasDir, { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) files.push(path.join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name));
    }
  } catch {
    return '';
  }
  // Synchronous reads: thousands of small files, where promise-based reads cost several thread-pool round trips each.
  for (const file of files.sort()) {
    hash.update(path.relative(root, file)).update('\0');
    let text = known.get(file);
    try {
      text ??= readFileSync(file, 'utf8');
      hash.update(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    } catch {
      hash.update('missing');
    }
    hash.update('\0');
  }
  return hash.digest('hex');
}

/**
 * The no-op fast path: when every input is byte-for-byte what the last successful run read, and
 * the output folder holds exactly the files that run wrote (none edited, none missing, no other
 * generated file), there is nothing to load, check or write.
 */
export async function unchangedSinceLastRun(root: string, schemasDir: string, outDir: string, marker: string): Promise<{ files: number } | undefined> {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(path.join(root, '.herald', 'cache', 'codegen.json'), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
  const tree = manifest.trees?.[path.resolve(outDir)];
  if (manifest.generator !== generatorHash() || !tree) return undefined;
  if ((await inputsHash(root, schemasDir)) !== tree.inputs) return undefined;
  for (const [file, hash] of Object.entries(tree.files)) {
    try {
      if (sha256(await readFile(path.join(outDir, file), 'utf8')) !== hash) return undefined;
    } catch {
      return undefined;
    }
  }
  try {
    for (const entry of readdirSync(outDir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const full = path.join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name);
      const rel = path.relative(outDir, full).split(path.sep).join('/');
      if (tree.files[rel] !== undefined) continue;
      const head = (await readFile(full, 'utf8')).slice(0, marker.length);
      if (head === marker) return undefined;
    }
  } catch {
    return undefined;
  }
  return { files: Object.keys(tree.files).length };
}

export class CodegenCache {
  private constructor(
    private readonly file: string,
    private readonly manifest: Manifest,
    private readonly outKey: string,
  ) {}

  static async open(contracts: ContractSet, outDir: string): Promise<CodegenCache> {
    const file = path.join(contracts.config.root, '.herald', 'cache', 'codegen.json');
    const generator = generatorHash();
    let manifest: Manifest = { generator, outputs: {} };
    try {
      const loaded = JSON.parse(await readFile(file, 'utf8')) as Manifest;
      if (loaded.generator === generator && loaded.outputs && typeof loaded.outputs === 'object') manifest = loaded;
    } catch {
      // No cache yet, or an unreadable one: start over.
    }
    return new CodegenCache(file, manifest, path.resolve(outDir));
  }

  /** The domain's files as they are on disk, when they are exactly what the last run wrote for the same key. */
  async reuse(domain: string, key: string, outDir: string): Promise<EmittedFile[] | undefined> {
    const entry = this.manifest.outputs[this.outKey]?.[domain];
    if (!entry || entry.key !== key) return undefined;
    const files: EmittedFile[] = [];
    for (const [file, hash] of Object.entries(entry.files)) {
      let content: string;
      try {
        content = await readFile(path.join(outDir, file), 'utf8');
      } catch {
        return undefined;
      }
      if (sha256(content) !== hash) return undefined;
      files.push({ path: file, content });
    }
    return files;
  }

  record(domain: string, key: string, files: readonly EmittedFile[]): void {
    const outputs = (this.manifest.outputs[this.outKey] ??= {});
    outputs[domain] = { key, files: Object.fromEntries(files.map((f) => [f.path, sha256(f.content)])) };
  }

  /** Remembers the whole tree of this run, for `unchangedSinceLastRun`. */
  recordTree(inputs: string, files: readonly EmittedFile[]): void {
    if (!inputs) return;
    (this.manifest.trees ??= {})[this.outKey] = { inputs, files: Object.fromEntries(files.map((f) => [f.path, sha256(f.content)])) };
  }

  async save(): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify(this.manifest));
    await rename(temp, this.file);
  }
}
