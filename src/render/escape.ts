/**
 * Escaping for the two text formats we emit. Every string that reaches an SVG or a Mermaid
 * document goes through one of these: addresses, comments and finding messages come from
 * capture files, which are untrusted input.
 */

/**
 * Characters XML 1.0 forbids outright (C0 controls other than tab/newline/return, U+FFFE/FFFF,
 * lone surrogates). A packet comment may carry them; one such character makes the whole SVG
 * unparseable, so they become U+FFFD instead.
 */
const INVALID_XML_CHARS =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const XML_ENTITIES: Record<string, string> = {
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
};

/** Escapes text for XML character data and quoted attribute values alike. */
export function escapeXml(s: string): string {
  return String(s)
    .replace(INVALID_XML_CHARS, '\uFFFD')
    .replace(/[&<>"']/g, (c) => XML_ENTITIES[c]);
}

/**
 * Mermaid has no backslash escapes; it decodes `#name;` / `#number;` entity codes instead.
 * `;` and `#` would otherwise end a statement or start an entity, `<`/`>`/`&` reach Mermaid's
 * HTML labels, and a newline would end the message.
 */
const MERMAID_CODES: Record<string, string> = {
  '#': '#35;', ';': '#59;', '<': '#lt;', '>': '#gt;', '&': '#amp;', '"': '#quot;', '%': '#37;',
  '`': '#96;', '{': '#123;', '}': '#125;', '\\': '#92;',
};

/** Escapes message or note text for a Mermaid sequence diagram (one line). */
export function escapeMermaid(s: string): string {
  return String(s)
    .replace(INVALID_XML_CHARS, '\uFFFD')
    .replace(/[\r\n\t\u2028\u2029]+/g, ' ')
    .replace(/[#;<>&"%`{}\\]/g, (c) => MERMAID_CODES[c]);
}

/** Participant labels also lose their colons (IPv6 addresses, ip:port) to entity codes. */
export function escapeMermaidLabel(s: string): string {
  return escapeMermaid(s).replace(/:/g, '#58;');
}
