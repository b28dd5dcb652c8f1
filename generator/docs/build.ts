/**
 * The docs pipeline end to end: source → page models → HTML → files. `herald docs` writes the
 * result to a folder; the registry's `/ui` keeps it in memory.
 */
import { createRenderer, type Renderer, type SiteFiles } from './render.js';
import { buildSiteModel, type BuildOptions } from './site-model.js';
import type { DocsSource } from './source.js';
import { writeSite, type WriteResult } from './write.js';

let defaultRenderer: Renderer | undefined;

export function renderSite(source: DocsSource, options: BuildOptions & { renderer?: Renderer } = {}): SiteFiles {
  const renderer = options.renderer ?? (defaultRenderer ??= createRenderer());
  return renderer.render(buildSiteModel(source, options));
}

export async function generateDocsSite(source: DocsSource, outDir: string, options: BuildOptions = {}): Promise<WriteResult & { pages: number }> {
  const files = renderSite(source, options);
  const result = await writeSite(outDir, files);
  return { ...result, pages: [...files.keys()].filter((f) => f.endsWith('.html')).length };
}
