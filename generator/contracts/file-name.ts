import type { SchemaFormat } from '../compat/model.js';

export interface SchemaFileName {
  name: string;
  version: number;
  format: SchemaFormat;
}

const SCHEMA_FILE = /^([A-Z][A-Za-z0-9]*)\.v([1-9][0-9]*)\.(avsc|schema\.json)$/;

/** Whether a file is meant to be a schema (so a malformed name is an error, not something to skip). */
export function looksLikeSchemaFile(fileName: string): boolean {
  return fileName.endsWith('.avsc') || fileName.endsWith('.json');
}

export function parseSchemaFileName(fileName: string): SchemaFileName | undefined {
  const match = SCHEMA_FILE.exec(fileName);
  if (!match) return undefined;
  return { name: match[1]!, version: Number(match[2]), format: match[3] === 'avsc' ? 'avro' : 'json' };
}

export function schemaFileName(name: string, version: number, format: SchemaFormat): string {
  return `${name}.v${version}.${format === 'avro' ? 'avsc' : 'schema.json'}`;
}
