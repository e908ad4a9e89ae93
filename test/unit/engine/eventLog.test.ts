import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { EventLog, NOTE_FIRST_DATA, NOTE_HANDSHAKE_ACK, NOTE_RETRANSMISSION } from '../../../src/core/engine/eventLog';
import { FastOpen, newTcpSegment } from '../../../src/core/decode/types';

const packet = fc.record({
  flow: fc.integer({ min: 0, max: 4 }),
  side: fc.integer({ min: 0, max: 1 }),
  flags: fc.integer({ min: 0, max: 0x1ff }),
  seq: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  ack: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  len: fc.integer({ min: 0, max: 65535 }),
  window: fc.integer({ min: 0, max: 65535 }),
  mss: fc.integer({ min: -1, max: 65535 }),
  ws: fc.integer({ min: -1, max: 255 }),
  sack: fc.boolean(),
  ts: fc.boolean(),
  mptcp: fc.boolean(),
  tfo: fc.constantFrom(FastOpen.None, FastOpen.CookieRequest, FastOpen.Cookie),
  cookieLen: fc.integer({ min: 0, max: 40 }),
  notes: fc.integer({ min: 0, max: 7 }),
  comment: fc.option(fc.string(), { nil: undefined }),
});

describe('EventLog (listed flows\' handshake packets)', () => {
  it('gives back every recorded packet of each flow, in order, with its fields and option summary', () => {
    fc.assert(fc.property(fc.array(packet, { maxLength: 300 }), (ps) => {
      const log = new EventLog();
      const heads = [-1, -1, -1, -1, -1];
      const tails = [-1, -1, -1, -1, -1];
      const seg = newTcpSegment();
      ps.forEach((p, i) => {
        Object.assign(seg, { flags: p.flags, payloadLen: p.len, window: p.window, mss: p.mss, windowScale: p.ws, sackPermitted: p.sack,
          tsVal: p.ts ? 12345 : -1, mptcp: p.mptcp, fastOpen: p.tfo, fastOpenCookieLen: p.cookieLen });
        const t = { index: i + 1, sec: 1_700_000_000 + i, ns: i * 1000, frac: i, ups: 1e6, interfaceId: 0 };
        const at = log.append(tails[p.flow], t, p.side, seg, p.seq, p.ack, p.notes, p.comment);
        if (heads[p.flow] < 0) heads[p.flow] = at;
        tails[p.flow] = at;
      });
      for (let flow = 0; flow < 5; flow++) {
        const want = ps.map((p, i) => ({ p, i })).filter(({ p }) => p.flow === flow);
        const got = log.events(heads[flow], 1, 1_700_000_000, 0);
        assert.equal(got.length, want.length);
        got.forEach((e, k) => {
          const { p, i } = want[k];
          const options = [
            p.mss >= 0 ? `MSS=${p.mss}` : '', p.ws >= 0 ? `WS=${p.ws}` : '', p.sack ? 'SACK_PERM' : '', p.ts ? 'TS' : '',
            p.tfo === FastOpen.CookieRequest ? 'TFO-req' : p.tfo === FastOpen.Cookie ? `TFO-cookie(${p.cookieLen})` : '', p.mptcp ? 'MPTCP' : '',
          ].filter(Boolean).join(' ');
          const notes = [p.notes & NOTE_RETRANSMISSION ? 'retransmission' : '', p.notes & NOTE_HANDSHAKE_ACK ? 'handshake-ack' : '', p.notes & NOTE_FIRST_DATA ? 'first-data' : ''].filter(Boolean);
          assert.ok(Math.abs(e.rel - (i + i * 1e-6)) < 1e-9, `rel ${e.rel}`);
          assert.deepEqual({ ...e, rel: 0 }, {
            packet: i + 1, time: `${1_700_000_000 + i}.${String(i * 1000).padStart(9, '0')}`, rel: 0,
            dir: p.side === 1 ? 'c2s' : 's2c', flags: p.flags, seq: p.seq, ack: p.ack, len: p.len, window: p.window,
            options, notes, ...(p.comment !== undefined ? { comment: p.comment } : {}),
          });
        });
      }
    }), { seed: 20261127, numRuns: 150 });
  });

  it('keeps finished flows by id, and knows which it never kept', () => {
    const log = new EventLog();
    const seg = newTcpSegment();
    const t = { index: 7, sec: 1_700_000_000, ns: 5000, frac: 5, ups: 1e6, interfaceId: 0 };
    const head = log.append(-1, t, 0, seg, 0, 0, 0, undefined);
    log.keep(3, head, 0, 1_700_000_000, 0);
    log.keep(5000, -1, 0, 1_700_000_000, 0);
    assert.deepEqual(log.kept(3)?.map((e) => [e.packet, e.dir]), [[7, 'c2s']]);
    assert.deepEqual(log.kept(5000), [], 'kept, but it recorded nothing');
    assert.equal(log.kept(4), null);
    assert.equal(log.kept(99999), null);
  });
});

describe('EventLog timestamps', () => {
  it('keeps the fractional nanoseconds of binary resolutions (pcapng if_tsresol 2^-32)', () => {
    const log = new EventLog();
    const seg = newTcpSegment();
    // One unit of 2^-32 s after the flow's first packet: 0.23 ns, which an integer field would drop.
    const ups = 2 ** 32;
    const t = { index: 2, sec: 1_700_000_000, ns: 1e9 / ups, frac: 1, ups, interfaceId: 0 };
    const head = log.append(-1, t, 0, seg, 0, 0, 0, undefined);
    log.keep(1, head, 0, 1_700_000_000, 0);
    const [e] = log.kept(1)!;
    assert.ok(Math.abs(e.rel - 2 ** -32) < 1e-20, `rel ${e.rel}`);
  });
});
