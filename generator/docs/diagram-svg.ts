/**
 * Producers → topics → consumers as an SVG drawn at build time: three columns of boxes joined
 * by arrows. No layout engine and no script in the page: the layout is a few lines of arithmetic
 * on a monospace font whose advance width is known, so the output is deterministic and the same
 * on every machine. Colours come from the page's CSS classes, so the diagram follows the light
 * or dark scheme. Every label is escaped here, since the SVG is inserted into the page as markup.
 */

export interface DiagramNode {
  id: string;
  label: string;
  /** Relative link, e.g. to the domain page of the service's own topic. */
  href?: string;
  /** A node drawn dashed: a producer or consumer that is not recorded. */
  unknown?: boolean;
}

export interface DiagramTopic extends DiagramNode {
  /** Event types carried by the topic, listed inside its box (domain diagrams). */
  events?: DiagramNode[];
  /** Shown under the topic name when the events are not listed, e.g. `4 event types`. */
  caption?: string;
}

export interface DiagramInput {
  /** Prefix for element ids, unique within the page. */
  idPrefix: string;
  /** Accessible name, e.g. `project.events: producers and consumers`. */
  title: string;
  /** Accessible description in sentences; the page also lists the same facts as text. */
  description: string;
  producers: DiagramNode[];
  topics: DiagramTopic[];
  consumers: DiagramNode[];
  /** Producer id → topic id, and topic id → consumer id. */
  edges: { from: string; to: string }[];
}

const FONT_SIZE = 12;
/** Advance width of the monospace font at FONT_SIZE (0.6 em for the common monospace faces). */
const CHAR_WIDTH = FONT_SIZE * 0.6;
const NODE_HEIGHT = 34;
const LINE_HEIGHT = 18;
const NODE_GAP = 14;
const COLUMN_GAP = 96;
const PADDING_X = 14;
const MARGIN = 16;
const HEADING_HEIGHT = 26;
const MAX_LISTED_EVENTS = 14;
const MAX_LABEL = 48;

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

function clip(label: string): string {
  const chars = [...label];
  return chars.length > MAX_LABEL ? `${chars.slice(0, MAX_LABEL - 1).join('')}…` : label;
}

function textWidth(label: string): number {
  return [...clip(label)].length * CHAR_WIDTH;
}

function round(n: number): string {
  return Number(n.toFixed(1)).toString();
}

interface Box {
  node: DiagramNode;
  x: number;
  y: number;
  width: number;
  height: number;
  lines: { text: string; href?: string }[];
}

function topicLines(topic: DiagramTopic): { text: string; href?: string }[] {
  if (!topic.events) return topic.caption ? [{ text: topic.caption }] : [];
  const listed = topic.events.slice(0, MAX_LISTED_EVENTS).map((e) => ({ text: e.label, ...(e.href ? { href: e.href } : {}) }));
  const more = topic.events.length - listed.length;
  return more > 0 ? [...listed, { text: `+ ${more} more` }] : listed;
}

/** Orders a column by the mean position of its neighbours, which removes most edge crossings. */
function orderByNeighbours(nodes: DiagramNode[], neighbours: (id: string) => string[], position: Map<string, number>): DiagramNode[] {
  const score = (node: DiagramNode): number => {
    const at = neighbours(node.id).map((id) => position.get(id) ?? 0);
    return at.length === 0 ? Number.MAX_SAFE_INTEGER : at.reduce((a, b) => a + b, 0) / at.length;
  };
  return [...nodes].sort((a, b) => score(a) - score(b) || a.label.localeCompare(b.label));
}

export function diagramSvg(input: DiagramInput): string {
  const topicIndex = new Map(input.topics.map((t, i) => [t.id, i]));
  const producers = orderByNeighbours(input.producers, (id) => input.edges.filter((e) => e.from === id).map((e) => e.to), topicIndex);
  const consumers = orderByNeighbours(input.consumers, (id) => input.edges.filter((e) => e.to === id).map((e) => e.from), topicIndex);

  const columnWidth = (nodes: DiagramNode[], extra: (n: DiagramNode) => string[] = () => []): number =>
    Math.max(120, ...nodes.map((n) => Math.max(textWidth(n.label), ...extra(n).map((line) => textWidth(line) + 10)) + 2 * PADDING_X));
  const producerWidth = columnWidth(producers);
  const topicWidth = columnWidth(input.topics, (n) => topicLines(n as DiagramTopic).map((l) => l.text));
  const consumerWidth = columnWidth(consumers);

  const stack = (nodes: DiagramNode[], x: number, width: number, height: (n: DiagramNode) => number, lines: (n: DiagramNode) => Box['lines']): Box[] => {
    let y = 0;
    return nodes.map((node) => {
      const box: Box = { node, x, y, width, height: height(node), lines: lines(node) };
      y += box.height + NODE_GAP;
      return box;
    });
  };
  const columns = [
    stack(producers, MARGIN, producerWidth, () => NODE_HEIGHT, () => []),
    stack(
      input.topics,
      MARGIN + producerWidth + COLUMN_GAP,
      topicWidth,
      (n) => NODE_HEIGHT + topicLines(n as DiagramTopic).length * LINE_HEIGHT + (topicLines(n as DiagramTopic).length > 0 ? 6 : 0),
      (n) => topicLines(n as DiagramTopic),
    ),
    stack(consumers, MARGIN + producerWidth + COLUMN_GAP + topicWidth + COLUMN_GAP, consumerWidth, () => NODE_HEIGHT, () => []),
  ];
  const columnHeight = (boxes: Box[]): number => (boxes.length === 0 ? 0 : boxes.at(-1)!.y + boxes.at(-1)!.height);
  const contentHeight = Math.max(NODE_HEIGHT, ...columns.map(columnHeight));
  // Each column is centred vertically against the tallest one.
  for (const boxes of columns) {
    const offset = MARGIN + HEADING_HEIGHT + (contentHeight - columnHeight(boxes)) / 2;
    for (const box of boxes) box.y += offset;
  }
  const width = MARGIN * 2 + producerWidth + topicWidth + consumerWidth + COLUMN_GAP * 2;
  const height = MARGIN * 2 + HEADING_HEIGHT + contentHeight;
  const byId = new Map(columns.flat().map((box) => [box.node.id, box]));
  const id = (suffix: string): string => `${input.idPrefix}-${suffix}`;

  const out: string[] = [];
  out.push(
    `<svg class="dg" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${round(width)} ${round(height)}" width="${round(width)}" height="${round(height)}" role="img" aria-labelledby="${escapeXml(id('title'))} ${escapeXml(id('desc'))}">`,
    `<title id="${escapeXml(id('title'))}">${escapeXml(input.title)}</title>`,
    `<desc id="${escapeXml(id('desc'))}">${escapeXml(input.description)}</desc>`,
    `<defs><marker id="${escapeXml(id('arrow'))}" class="dg-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>`,
  );
  const headings: [string, number, number][] = [
    ['producer', MARGIN, producerWidth],
    ['topic', MARGIN + producerWidth + COLUMN_GAP, topicWidth],
    ['consumers', MARGIN + producerWidth + COLUMN_GAP + topicWidth + COLUMN_GAP, consumerWidth],
  ];
  for (const [text, x, w] of headings) {
    out.push(`<text class="dg-heading" x="${round(x + w / 2)}" y="${round(MARGIN + 12)}" text-anchor="middle">${text}</text>`);
  }
  for (const edge of input.edges) {
    const from = byId.get(edge.from);
    const to = byId.get(edge.to);
    if (!from || !to) continue;
    const x1 = from.x + from.width;
    const y1 = from.y + (from.lines.length > 0 ? NODE_HEIGHT / 2 : from.height / 2);
    const x2 = to.x - 2;
    const y2 = to.y + (to.lines.length > 0 ? NODE_HEIGHT / 2 : to.height / 2);
    const bend = (x2 - x1) / 2;
    out.push(
      `<path class="dg-edge" d="M${round(x1)},${round(y1)} C${round(x1 + bend)},${round(y1)} ${round(x2 - bend)},${round(y2)} ${round(x2)},${round(y2)}" marker-end="url(#${escapeXml(id('arrow'))})"/>`,
    );
  }
  columns.forEach((boxes, column) => {
    const kind = column === 1 ? 'topic' : 'service';
    for (const box of boxes) {
      const classes = ['dg-node', `dg-${kind}`, ...(box.node.unknown ? ['dg-unknown'] : [])].join(' ');
      const label = `<text class="dg-label" x="${round(box.x + PADDING_X)}" y="${round(box.y + NODE_HEIGHT / 2 + FONT_SIZE * 0.35)}">${escapeXml(clip(box.node.label))}</text>`;
      const rect = `<rect x="${round(box.x)}" y="${round(box.y)}" width="${round(box.width)}" height="${round(box.height)}" rx="6"/>`;
      const head = box.node.href ? `<a href="${escapeXml(box.node.href)}">${rect}${label}</a>` : `${rect}${label}`;
      const lines = box.lines.map((line, i) => {
        const y = box.y + NODE_HEIGHT + i * LINE_HEIGHT + FONT_SIZE * 0.35;
        const text = `<text class="dg-line" x="${round(box.x + PADDING_X + 10)}" y="${round(y)}">${escapeXml(clip(line.text))}</text>`;
        return line.href ? `<a href="${escapeXml(line.href)}">${text}</a>` : text;
      });
      out.push(`<g class="${classes}">${head}${lines.join('')}</g>`);
    }
  });
  out.push('</svg>');
  return out.join('\n');
}
