import { styleText } from 'node:util';

type Style = Parameters<typeof styleText>[0];

/** Colour only for a person at a terminal: never in pipes, files, CI logs or under NO_COLOR. */
export function colours(stream: NodeJS.WriteStream): (style: Style, text: string) => string {
  const enabled = Boolean(stream.isTTY) && !process.env['NO_COLOR'] && process.env['TERM'] !== 'dumb';
  return enabled ? (style, text) => styleText(style, text) : (_style, text) => text;
}

/** `1 domain`, `2 domains`: counts in messages read as sentences. */
export function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
