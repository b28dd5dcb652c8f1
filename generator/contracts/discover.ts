import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { DOMAIN_FILE } from './domain.js';
import { looksLikeSchemaFile } from './file-name.js';

export interface DiscoveredDomain {
  dir: string;
  hasDomainFile: boolean;
  /** Absolute paths of files that look like schemas, sorted. */
  schemaFiles: string[];
}

export interface DiscoveredTree {
  domains: DiscoveredDomain[];
  /** Schema-looking files outside a domain folder (directly in the schemas folder, or nested deeper). */
  strayFiles: string[];
}

/** Files herald itself keeps in the schemas folder, which are not contracts. */
const RESERVED_ROOT_FILES = new Set(['herald.lock.json']);

/** Lists domain folders and their schema files; sorted so every run reports in the same order. */
export async function discover(schemasDir: string): Promise<DiscoveredTree> {
  const tree: DiscoveredTree = { domains: [], strayFiles: [] };
  const entries = (await readdir(schemasDir, { withFileTypes: true })).sort(byName);
  for (const entry of entries) {
    const full = path.join(schemasDir, entry.name);
    if (entry.isDirectory()) {
      if (!entry.name.startsWith('.')) tree.domains.push(await discoverDomain(full, tree.strayFiles));
    } else if (looksLikeSchemaFile(entry.name) && !RESERVED_ROOT_FILES.has(entry.name)) {
      tree.strayFiles.push(full);
    }
  }
  return tree;
}

async function discoverDomain(dir: string, strayFiles: string[]): Promise<DiscoveredDomain> {
  const domain: DiscoveredDomain = { dir, hasDomainFile: false, schemaFiles: [] };
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort(byName)) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      strayFiles.push(...(await nestedSchemaFiles(full)));
    } else if (entry.name === DOMAIN_FILE) {
      domain.hasDomainFile = true;
    } else if (looksLikeSchemaFile(entry.name)) {
      domain.schemaFiles.push(full);
    }
  }
  return domain;
}

async function nestedSchemaFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && looksLikeSchemaFile(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
