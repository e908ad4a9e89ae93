/**
 * A strict little XML parser for checking renderer output: it throws on anything a real XML
 * parser would reject that matters here (unbalanced or mismatched tags, raw "<" or bare "&" in
 * text or attributes, duplicate attributes, unquoted values, content after the root), and gives
 * back a tree the tests query like a DOM.
 */

export interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  /** Text directly inside this element, entities decoded, in document order. */
  texts: string[];
  parent: XmlNode | null;
}

const NAME = /^[A-Za-z_:][-A-Za-z0-9_:.]*/;
const ENTITY = /^&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);/;

function decode(s: string, where: number): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '<') throw new Error(`raw "<" at ${where + i}`);
    if (c !== '&') { out += c; continue; }
    const m = ENTITY.exec(s.slice(i));
    if (!m) throw new Error(`bare "&" at ${where + i}: ${JSON.stringify(s.slice(i, i + 12))}`);
    const e = m[0];
    out += e === '&amp;' ? '&' : e === '&lt;' ? '<' : e === '&gt;' ? '>' : e === '&quot;' ? '"' : e === '&apos;' ? "'"
      : String.fromCodePoint(e[2] === 'x' ? parseInt(e.slice(3, -1), 16) : parseInt(e.slice(2, -1), 10));
    i += e.length - 1;
  }
  return out;
}

export function parseXml(src: string): XmlNode {
  const doc: XmlNode = { name: '#document', attrs: {}, children: [], texts: [], parent: null };
  let cur = doc;
  let i = 0;
  let rootSeen = false;
  while (i < src.length) {
    if (src[i] !== '<') {
      const end = src.indexOf('<', i);
      const raw = src.slice(i, end < 0 ? src.length : end);
      if (raw.includes(']]>')) throw new Error(`"]]>" in text at ${i}`);
      const t = decode(raw, i);
      if (cur === doc && t.trim() !== '') throw new Error(`text outside the root at ${i}`);
      if (t !== '') cur.texts.push(t);
      i += raw.length;
      continue;
    }
    if (src.startsWith('<!--', i)) {
      const end = src.indexOf('-->', i + 4);
      if (end < 0) throw new Error('unterminated comment');
      i = end + 3;
      continue;
    }
    if (src.startsWith('<![CDATA[', i)) {
      const end = src.indexOf(']]>', i);
      if (end < 0) throw new Error('unterminated CDATA');
      cur.texts.push(src.slice(i + 9, end));
      i = end + 3;
      continue;
    }
    if (src.startsWith('<?', i)) {
      const end = src.indexOf('?>', i);
      if (end < 0) throw new Error('unterminated processing instruction');
      i = end + 2;
      continue;
    }
    if (src.startsWith('</', i)) {
      const m = NAME.exec(src.slice(i + 2));
      if (!m) throw new Error(`bad end tag at ${i}`);
      const after = i + 2 + m[0].length;
      const close = /^\s*>/.exec(src.slice(after));
      if (!close) throw new Error(`bad end tag at ${i}`);
      if (cur.name !== m[0]) throw new Error(`</${m[0]}> closes <${cur.name}> at ${i}`);
      cur = cur.parent!;
      i = after + close[0].length;
      continue;
    }
    const m = NAME.exec(src.slice(i + 1));
    if (!m) throw new Error(`bad start tag at ${i}: ${JSON.stringify(src.slice(i, i + 20))}`);
    if (cur === doc && rootSeen) throw new Error(`second root element at ${i}`);
    const node: XmlNode = { name: m[0], attrs: {}, children: [], texts: [], parent: cur };
    let j = i + 1 + m[0].length;
    for (;;) {
      const ws = /^\s*/.exec(src.slice(j))![0];
      j += ws.length;
      if (src.startsWith('/>', j)) { j += 2; cur.children.push(node); break; }
      if (src[j] === '>') { j += 1; cur.children.push(node); cur = node; break; }
      if (ws === '') throw new Error(`missing space before attribute at ${j}`);
      const a = /^([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(src.slice(j));
      if (!a) throw new Error(`bad attribute at ${j}: ${JSON.stringify(src.slice(j, j + 30))}`);
      if (a[1] in node.attrs) throw new Error(`duplicate attribute ${a[1]} at ${j}`);
      node.attrs[a[1]] = decode(a[2] ?? a[3], j);
      j += a[0].length;
    }
    if (node.parent === doc) rootSeen = true;
    i = j;
  }
  if (cur !== doc) throw new Error(`unclosed <${cur.name}>`);
  if (doc.children.length !== 1) throw new Error(`expected one root element, got ${doc.children.length}`);
  return doc.children[0];
}

export function findAll(node: XmlNode, pred: (n: XmlNode) => boolean): XmlNode[] {
  const out: XmlNode[] = [];
  const walk = (n: XmlNode) => {
    if (pred(n)) out.push(n);
    n.children.forEach(walk);
  };
  walk(node);
  return out;
}

export function byTestId(node: XmlNode, id: string): XmlNode[] {
  return findAll(node, (n) => n.attrs['data-testid'] === id);
}

/** All text inside `node`, <title> tooltips excluded (what is painted, not what hovers). */
export function visibleText(node: XmlNode): string {
  if (node.name === 'title') return '';
  return [...node.texts, ...node.children.map(visibleText)].join(' ');
}

/** The node's own <title> text (its tooltip). */
export function tooltip(node: XmlNode): string {
  return node.children.find((c) => c.name === 'title')?.texts.join('') ?? '';
}
