// Webview text that users read: counts with their nouns, story times as dates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countOf, describeDamage, epochToUtc, fmtDuration } from '../../../webview/format';

test('a count of one takes the singular, others the plural, with digit groups', () => {
  assert.equal(countOf(1, 'finding'), '1 finding');
  assert.equal(countOf(0, 'finding'), '0 findings');
  assert.equal(countOf(1234, 'flow'), '1,234 flows');
  assert.equal(countOf(2, 'handshake'), '2 handshakes');
});

test('epoch seconds read as a UTC time to the millisecond', () => {
  // 1767225600 = 2026-01-01T00:00:00Z (365 × 56 years + 14 leap days = 20454 days × 86400 s).
  assert.equal(epochToUtc('1767225603.002109000'), '2026-01-01 00:00:03.002 UTC');
  assert.equal(epochToUtc('1767225603'), '2026-01-01 00:00:03.000 UTC');
  // The fraction is cut, not rounded: .9999 is still in the same millisecond as .999.
  assert.equal(epochToUtc('1767225603.9999'), '2026-01-01 00:00:03.999 UTC');
});

test('numbers that are not times stay as they are', () => {
  assert.equal(epochToUtc('604.1'), null);
  assert.equal(epochToUtc(600), null);
  assert.equal(epochToUtc('likely'), null);
  assert.equal(epochToUtc('99.3'), null);
});

test('the damage banner names each byte offset once and the last good frame', () => {
  // Messages as the reader words them for samples/truncated.pcap and a cut .pcap.gz.
  assert.equal(
    describeDamage([{ offset: 684, packet: 8, message: 'truncated record at offset 684: captured length 66, only 20 bytes left' }]),
    'The capture is damaged: truncated record at offset 684: captured length 66, only 20 bytes left (after frame 8). Packets after the damage may be missing.',
  );
  assert.equal(
    describeDamage([{ offset: 112458, packet: 1449, message: 'gzip stream damaged after 112458 uncompressed bytes: unexpected end of file' }]),
    'The capture is damaged: gzip stream damaged after 112458 uncompressed bytes: unexpected end of file at byte offset 112458 (after frame 1449). Packets after the damage may be missing.',
  );
  // offset 68 must not count as naming offset 684.
  assert.match(describeDamage([{ offset: 684, packet: 0, message: 'bad block at offset 68' }]), /offset 68 at byte offset 684\. /);
});

test('frames the decoder could not read are not called damage', () => {
  const undecoded = { offset: 24, packet: 0, message: '13 packets of link type 253 were not decoded (link type not supported) (the first is frame 1)', kind: 'undecoded' as const };
  assert.equal(describeDamage([undecoded]), 'Not analysed: 13 packets of link type 253 were not decoded (link type not supported) (the first is frame 1).');
  assert.equal(
    describeDamage([{ offset: 684, packet: 8, message: 'truncated record at offset 684: captured length 66, only 20 bytes left' }, undecoded]),
    'The capture is damaged: truncated record at offset 684: captured length 66, only 20 bytes left (after frame 8). Packets after the damage may be missing. ' +
      'Not analysed: 13 packets of link type 253 were not decoded (link type not supported) (the first is frame 1).',
  );
});

test('durations read the same in the pane title and table as in the diagram', () => {
  // The flow of the review: ACK − SYN = 2.390 s, which the diagram writes "2.4 s"
  // (seconds with one decimal); the title said "2390 ms" beside it.
  assert.equal(fmtDuration(2.39), '2.4 s');
  // Below a second: three significant digits in the largest unit that is ≥ 1.
  assert.equal(fmtDuration(0.0123), '12.3 ms');
  assert.equal(fmtDuration(0.00015), '150 µs');
  assert.equal(fmtDuration(null), '—');
  assert.equal(fmtDuration(undefined), '—');
});
