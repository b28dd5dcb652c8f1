/**
 * Writes a rendered site into a folder. The folder is herald's: a marker file lists what the
 * last build wrote, so a rebuild removes pages of events that no longer exist. A non-empty folder
 * without the marker is refused, so `--out` pointed at the wrong place never deletes anything.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SiteFiles } from './render.js';

export const MARKER_FILE = '.herald-docs.json';

export class DocsOutputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DocsOutputError';
  }
}

export interface WriteResult {
  files: number;
  bytes: number;
  /** Files of an earlier build that this one no longer has, now removed. */
  removed: number;
}

interface Marker {
  generator: 'herald docs';
  files: string[];
}

async function previousFiles(outDir: string): Promise<string[] | undefined> {
  if (!existsSync(outDir)) return [];
  const entries = await readdir(outDir);
  if (entries.length === 0) return [];
  if (!entries.includes(MARKER_FILE)) return undefined;
  try {
    const marker = JSON.parse(await readFile(path.join(outDir, MARKER_FILE), 'utf8')) as Partial<Marker>;
    return Array.isArray(marker.files) ? marker.files.filter((f): f is string => typeof f === 'string') : [];
  } catch {
    return [];
  }
}

/** A site path must stay inside the output folder, whatever a page or asset is called. */
function target(outDir: string, file: string): string {
  const resolved = path.resolve(outDir, file);
  if (!resolved.startsWith(path.resolve(outDir) + path.sep)) throw new DocsOutputError(`refusing to write outside the output folder: ${file}`);
  return resolved;
}

export async function writeSite(outDir: string, files: SiteFiles): Promise<WriteResult> {
  const previous = await previousFiles(outDir);
  if (previous === undefined) {
    throw new DocsOutputError(`${outDir} is not empty and was not written by herald docs; choose an empty or new folder`);
  }
  const names = [...files.keys()].sort();
  const stale = previous.filter((f) => !files.has(f));
  for (const file of stale) await rm(target(outDir, file), { force: true });
  // Folders emptied by the removals go too, deepest first.
  const dirs = [...new Set(stale.map((f) => path.dirname(f)).filter((d) => d !== '.'))].sort((a, b) => b.length - a.length);
  for (const dir of dirs) await rmdir(target(outDir, dir)).catch(() => undefined);

  const folders = [...new Set(names.map((f) => path.dirname(target(outDir, f))))];
  await mkdir(outDir, { recursive: true });
  for (const folder of folders) await mkdir(folder, { recursive: true });
  let bytes = 0;
  // Bounded parallelism: thousands of pages, without thousands of open files.
  const queue = [...names];
  const worker = async (): Promise<void> => {
    for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
      const content = files.get(file)!;
      bytes += Buffer.byteLength(content);
      await writeFile(target(outDir, file), content);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  const marker: Marker = { generator: 'herald docs', files: names };
  await writeFile(path.join(outDir, MARKER_FILE), JSON.stringify(marker, null, 2) + '\n');
  return { files: names.length, bytes, removed: stale.length };
}
