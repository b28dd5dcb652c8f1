import path from 'node:path';
import type { CompatibilityLevel } from '../compat/levels.js';
import type { Diagnostics } from './diagnostics.js';
import { readJsonFile, relativeFile } from './files.js';
import type { Domain, ProjectConfig } from './model.js';
import { validateSettings } from './settings-schema.js';

export const DOMAIN_FILE = 'domain.json';

interface DomainJson {
  namespace: string;
  topic: string;
  key: string;
  compatibility?: CompatibilityLevel;
  owner: string;
  consumers?: string[];
  description?: string;
  docs?: Record<string, unknown>;
}

/** Loads one domain folder's `domain.json`; `undefined` when it is missing or unusable (already reported). */
export async function loadDomain(
  config: ProjectConfig,
  dir: string,
  hasDomainFile: boolean,
  diagnostics: Diagnostics,
): Promise<Domain | undefined> {
  const name = path.basename(dir);
  const absoluteFile = path.join(dir, DOMAIN_FILE);
  const file = relativeFile(config.root, absoluteFile);
  if (!hasDomainFile) {
    diagnostics.report(
      'DOMAIN_FILE_MISSING',
      { file: relativeFile(config.root, dir) + '/', pointer: '' },
      `domain "${name}" has no ${DOMAIN_FILE}; create it with its namespace, topic, key, owner and consumers`,
    );
    return undefined;
  }
  const source = await readJsonFile(config.root, absoluteFile, diagnostics);
  if (!source) return undefined;
  if (!validateSettings('domain', source, diagnostics, 'DOMAIN_INVALID', 'compatibility')) return undefined;
  const settings = source.value as DomainJson;
  return {
    name,
    dir,
    file,
    namespace: settings.namespace,
    topic: settings.topic,
    key: settings.key,
    compatibility: settings.compatibility ?? config.defaultCompatibility,
    owner: settings.owner,
    consumers: settings.consumers ?? [],
    ...(settings.description !== undefined ? { description: settings.description } : {}),
    docs: settings.docs ?? {},
  };
}
