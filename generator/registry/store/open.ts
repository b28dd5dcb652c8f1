import { openPgliteStore } from './pglite.js';
import { openPostgresStore } from './postgres.js';
import type { RegistryStore } from './store.js';

/** The default embedded store, relative to the project root. */
export const DEFAULT_STORE_DIR = '.herald/registry';

export function isPostgresUrl(location: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(location);
}

/** Opens a store from what a user types: a `postgres://` URL, or a directory for the embedded store. */
export function openStore(location: string = DEFAULT_STORE_DIR): Promise<RegistryStore> {
  return isPostgresUrl(location) ? openPostgresStore(location) : openPgliteStore(location);
}
