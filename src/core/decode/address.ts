/**
 * Four address bytes at `at` as one big-endian 32-bit word, signed (a small integer to V8, where
 * an unsigned one above 2^31 is a heap number): an IPv4 address, or a quarter of an IPv6 one.
 */
export function addressWord(bytes: Uint8Array, at: number): number {
  return (bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3];
}

/**
 * Address text as Wireshark prints it: dotted quad for IPv4, RFC 5952 for IPv6 (lower-case hex,
 * leading zeros dropped, the longest run of two or more zero groups — the first on a tie — as "::").
 * `at`: where the address starts in `bytes` (the flow slab keeps every flow's addresses in one array).
 */
export function formatAddress(bytes: Uint8Array, ipVersion: number, at = 0): string {
  // join(): one flat string (a template longer than 12 characters is a rope of several).
  if (ipVersion === 4) return [bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]].join('.');
  const groups: number[] = [];
  for (let i = at; i < at + 16; i += 2) groups.push((bytes[i] << 8) | bytes[i + 1]);
  let bestStart = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  if (bestLen < 2) bestStart = -1;
  // Wireshark prints through inet_ntop (glibc), which writes the last 32 bits dotted for
  // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d) addresses, as RFC 5952 §5 allows.
  if (bestStart === 0 && (bestLen === 6 || (bestLen === 5 && groups[5] === 0xffff))) {
    return `::${bestLen === 5 ? 'ffff:' : ''}${bytes[at + 12]}.${bytes[at + 13]}.${bytes[at + 14]}.${bytes[at + 15]}`;
  }
  const parts: string[] = [];
  let afterGap = false;
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      parts.push('::');
      i += bestLen - 1;
      afterGap = true;
      continue;
    }
    if (parts.length > 0 && !afterGap) parts.push(':');
    parts.push(groups[i].toString(16));
    afterGap = false;
  }
  return parts.join('');
}
