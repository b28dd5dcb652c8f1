import { existsSync } from 'node:fs';
import path from 'node:path';
import type { CompatibilityLevel } from '../compat/levels.js';
import type { Diagnostics } from './diagnostics.js';
import { readJsonFile } from './files.js';
import type { ProjectConfig, SubjectNameStrategy } from './model.js';
import { validateSettings } from './settings-schema.js';

export const CONFIG_FILE = 'herald.json';

interface HeraldJson {
  schemasDir?: string;
  outDir?: string;
  registryUrl?: string;
  subjectNameStrategy?: SubjectNameStrategy;
  defaultCompatibility?: CompatibilityLevel;
}

/** Loads `herald.json` from the project root; a project without one gets the defaults. */
export async function loadConfig(root: string, diagnostics: Diagnostics): Promise<ProjectConfig | undefined> {
  const absoluteRoot = path.resolve(root);
  const file = path.join(absoluteRoot, CONFIG_FILE);
  let settings: HeraldJson = {};
  if (existsSync(file)) {
    const source = await readJsonFile(absoluteRoot, file, diagnostics);
    if (!source) return undefined;
    if (!validateSettings('herald', source, diagnostics, 'CONFIG_INVALID', 'defaultCompatibility')) return undefined;
    settings = source.value as HeraldJson;
  }
  return {
    root: absoluteRoot,
    ...(existsSync(file) ? { file } : {}),
    schemasDir: path.resolve(absoluteRoot, settings.schemasDir ?? 'schemas'),
    outDir: path.resolve(absoluteRoot, settings.outDir ?? 'generated'),
    ...(settings.registryUrl ? { registryUrl: settings.registryUrl } : {}),
    subjectNameStrategy: settings.subjectNameStrategy ?? 'TopicRecordNameStrategy',
    defaultCompatibility: settings.defaultCompatibility ?? 'BACKWARD_TRANSITIVE',
  };
}
