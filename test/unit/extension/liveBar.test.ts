// The Live indicator's words: the rate, and how far behind the writer the analysis is, in the
// units a user reads (the same byte and duration formats as the rest of the editor).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { liveText } from '../../../webview/format';

const base = { packetsPerSecond: 0, lagBytes: 0, lagSeconds: 0, paused: false, caughtUp: true, file: '/w/a.pcap', files: 1 };

test('caught up: the rate and "caught up with the writer"', () => {
  assert.equal(liveText({ ...base, packetsPerSecond: 20_000 }), 'Live · 20,000 packets/s · caught up with the writer');
  assert.equal(liveText({ ...base, packetsPerSecond: 2.54 }), 'Live · 2.5 packets/s · caught up with the writer');
});

test('behind: bytes not read yet and how long the oldest has waited; paused; rotated files counted', () => {
  assert.equal(liveText({ ...base, caughtUp: false, lagBytes: 3 * 1024 * 1024, lagSeconds: 1.5, packetsPerSecond: 180 }),
    'Live · 180 packets/s · 3.0 MiB (1.5 s) behind the writer');
  assert.match(liveText({ ...base, paused: true, files: 3 }), /^Paused · 0\.0 packets\/s · caught up with the writer · 3 files$/);
});
