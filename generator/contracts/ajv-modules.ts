import { createRequire } from 'node:module';

/**
 * ajv, its draft 2019-09 and 2020-12 builds and ajv-formats, loaded on first use: only JSON
 * Schema contracts need them, and loading them is a large share of the start-up of every command
 * (an Avro-only `herald generate` never does).
 */
export interface AjvModules {
  Ajv: typeof import('ajv').Ajv;
  Ajv2019: typeof import('ajv/dist/2019.js').Ajv2019;
  Ajv2020: typeof import('ajv/dist/2020.js').Ajv2020;
  MissingRefError: typeof import('ajv').MissingRefError;
  addFormats: typeof import('ajv-formats').default;
}

let modules: AjvModules | undefined;

export function ajvModules(): AjvModules {
  if (modules) return modules;
  const require = createRequire(import.meta.url);
  const { Ajv, MissingRefError } = require('ajv') as typeof import('ajv');
  const { Ajv2019 } = require('ajv/dist/2019.js') as typeof import('ajv/dist/2019.js');
  const { Ajv2020 } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  const addFormats = require('ajv-formats') as typeof import('ajv-formats').default;
  modules = { Ajv, Ajv2019, Ajv2020, MissingRefError, addFormats };
  return modules;
}
