import { createRequire } from 'node:module';
import type { Ajv, Options } from 'ajv';
import type { Ajv2019 } from 'ajv/dist/2019.js';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import { ajvModules } from '../contracts/ajv-modules.js';
import { draftOf, type JsonSchemaDraft } from '../contracts/json-schema.js';

/**
 * JSON Schema validators compiled by ajv at generate time into standalone code, so no schema is
 * compiled at run time and no ajv is needed there: the few ajv helpers the code calls (string
 * length, deep equality, formats) are re-pointed at herald's runtime, which has copies of them.
 */

type AnyAjv = Ajv | Ajv2019 | Ajv2020;

const OPTIONS: Options = {
  code: { source: true, esm: true, lines: true, optimize: false },
  strict: false,
  allErrors: false,
  validateFormats: true,
  useDefaults: false,
  // `herald lint` (loading the contracts) has already checked every schema against its meta-schema.
  validateSchema: false,
};

/** A fresh instance per module: ajv numbers its functions per instance, and the output must not depend on what was compiled before. */
function ajvFor(draft: JsonSchemaDraft): AnyAjv {
  const { Ajv, Ajv2019, Ajv2020, addFormats } = ajvModules();
  const ajv = draft === '2020-12' ? new Ajv2020(OPTIONS) : draft === '2019-09' ? new Ajv2019(OPTIONS) : new Ajv(OPTIONS);
  addFormats.default(ajv);
  return ajv;
}

/** The runtime helpers standalone code may require, and what herald's runtime calls them. */
const HELPERS: Array<[RegExp, string]> = [
  [/require\("ajv\/dist\/runtime\/ucs2length"\)\.default/g, 'ucs2length'],
  [/require\("ajv\/dist\/runtime\/equal"\)\.default/g, 'deepEqual'],
  [/require\("ajv-formats\/dist\/formats"\)\.fullFormats/g, 'formats'],
];

export interface ValidatorSource {
  /** Export name, e.g. `validateUserCreatedV1`. */
  name: string;
  schema: unknown;
  file: string;
}

/** One ES module exporting a validator per schema. */
export function compileValidators(sources: readonly ValidatorSource[], header: string): string {
  const byDraft = new Map<JsonSchemaDraft, ValidatorSource[]>();
  for (const source of sources) {
    const draft = draftOf(source.schema as Record<string, unknown>) ?? 'draft-07';
    byDraft.set(draft, [...(byDraft.get(draft) ?? []), source]);
  }
  const helpers = new Set<string>();
  const blocks: string[] = [];
  const exports: string[] = [];
  for (const [draft, list] of [...byDraft.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const ajv = ajvFor(draft);
    const keys: Record<string, string> = {};
    for (const source of list) {
      const { $id: _id, ...schema } = source.schema as Record<string, unknown>;
      const key = `herald:${source.name}`;
      ajv.addSchema(schema, key);
      keys[source.name] = key;
    }
    const standaloneCode = createRequire(import.meta.url)('ajv/dist/standalone/index.js') as typeof import('ajv/dist/standalone/index.js');
    let code = standaloneCode.default(ajv, keys);
    for (const [pattern, name] of HELPERS) {
      if (pattern.test(code)) helpers.add(name);
      code = code.replace(pattern, name);
    }
    const leftover = /require\("([^"]+)"\)/.exec(code);
    if (leftover) throw new Error(`herald codegen: standalone validator needs ${leftover[1]}, which herald's runtime does not provide`);
    const exported: Array<[string, string]> = [];
    code = code
      .replace(/^"use strict";/, '')
      .replace(/export const (\w+) = (\w+);/g, (_m, name: string, fn: string) => {
        exported.push([name, fn]);
        return '';
      });
    const scope = `draft${draft.replace(/[^0-9]/g, '')}`;
    blocks.push(`const ${scope} = (() => {\n${code.trim()}\nreturn { ${exported.map(([n, f]) => `${n}: ${f}`).join(', ')} };\n})();`);
    for (const [name] of exported) exports.push(`export const ${name} = ${scope}.${name};`);
  }
  const imports = helpers.size ? `import { ${[...helpers].sort().join(', ')} } from 'herald/runtime';\n\n` : '';
  return `${header}${imports}${blocks.join('\n\n')}\n\n${exports.sort().join('\n')}\n`;
}
