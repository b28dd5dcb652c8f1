/**
 * Page models → HTML with the handlebars templates in `templates/docs/`. Handlebars escapes
 * every `{{value}}`; the only unescaped insertions are the page body (our own template output)
 * and the diagrams, which `diagram-svg.ts` builds with every label escaped.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import type { Page, SiteModel } from './site-model.js';

/** Site-relative path → file content. */
export type SiteFiles = Map<string, string>;

/**
 * `templates/docs` of this package: two levels up from the sources (`generator/docs/`), three
 * from the build (`dist/generator/docs/`).
 */
export function defaultTemplatesDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, 'templates', 'docs');
    if (existsSync(path.join(candidate, 'layout.hbs'))) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error('templates/docs not found next to the herald package');
}

export interface Renderer {
  render(model: SiteModel): SiteFiles;
  renderPage(page: Page): string;
  assets(): SiteFiles;
}

export function createRenderer(templatesDir: string = defaultTemplatesDir()): Renderer {
  const hbs = Handlebars.create();
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  const partialsDir = path.join(templatesDir, 'partials');
  for (const file of readdirSync(partialsDir).sort()) {
    if (file.endsWith('.hbs')) hbs.registerPartial(file.slice(0, -4), readFileSync(path.join(partialsDir, file), 'utf8').replace(/\n$/, ''));
  }
  // preventIndent keeps partials from indenting the content of <pre> blocks.
  const compile = (name: string): HandlebarsTemplateDelegate =>
    hbs.compile(readFileSync(path.join(templatesDir, `${name}.hbs`), 'utf8'), { preventIndent: true });
  const layout = compile('layout');
  const bodies: Record<Page['kind'], HandlebarsTemplateDelegate> = { index: compile('index'), domain: compile('domain'), event: compile('event') };
  const assetsDir = path.join(templatesDir, 'assets');
  const assetFiles: SiteFiles = new Map(
    readdirSync(assetsDir)
      .sort()
      .map((file) => [`assets/${file}`, readFileSync(path.join(assetsDir, file), 'utf8')]),
  );

  const renderPage = (page: Page): string => {
    const body = bodies[page.kind](page).trim();
    return layout({ ...page, body });
  };
  return {
    renderPage,
    assets: () => new Map(assetFiles),
    render(model) {
      const files: SiteFiles = new Map(assetFiles);
      for (const page of model.pages) files.set(page.path, renderPage(page));
      return files;
    },
  };
}
