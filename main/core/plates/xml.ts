import { XMLParser } from 'fast-xml-parser';

// Elements that may occur once or many times; always arrays so callers need not care.
const LISTS = new Set(['Plate', 'Well', 'Map', 'Entry', 'Image', 'MeasurementRecord', 'MeasurementChannel', 'Channel']);

// Namespace prefixes are dropped (bts:Row -> Row, HarmonyV5/V6/V7 default namespaces vanish), so one
// reader handles every software version; values stay strings so "01" is not turned into 1.
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name, _jpath, _leaf, isAttribute) => !isAttribute && LISTS.has(name),
});

export type XmlNode = Record<string, unknown>;

export function parseXml(text: string): XmlNode {
  return parser.parse(text) as XmlNode;
}

function isNode(v: unknown): v is XmlNode {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Child element(s) by name, as an array of nodes. */
export function children(node: unknown, name: string): XmlNode[] {
  if (!isNode(node)) return [];
  const v = node[name];
  const arr = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return arr.map((x) => (isNode(x) ? x : { '#text': String(x) }));
}

export function child(node: unknown, name: string): XmlNode | undefined {
  return children(node, name)[0];
}

/** Text of an element or attribute (`@Name`); elements with attributes keep their text in #text. */
export function text(node: unknown, name?: string): string | undefined {
  const v = name === undefined ? node : isNode(node) ? node[name] : undefined;
  const one = Array.isArray(v) ? v[0] : v;
  if (one === undefined || one === null) return undefined;
  if (isNode(one)) return one['#text'] === undefined ? undefined : String(one['#text']).trim();
  return String(one).trim();
}

export function attr(node: unknown, name: string): string | undefined {
  return text(node, `@${name}`);
}

export function int(s: string | undefined): number | undefined {
  if (s === undefined || s === '') return undefined;
  const n = Number(s);
  return Number.isInteger(n) ? n : undefined;
}

/** Every element called `name` anywhere below `node` (the .mes nests channels at varying depths). */
export function findAll(node: unknown, name: string, out: XmlNode[] = []): XmlNode[] {
  if (Array.isArray(node)) {
    for (const n of node) findAll(n, name, out);
  } else if (isNode(node)) {
    for (const [k, v] of Object.entries(node)) {
      if (k.startsWith('@') || k === '#text') continue;
      if (k === name) out.push(...children(node, k));
      else findAll(v, name, out);
    }
  }
  return out;
}
