// Every Zeek conn_state from a minimal packet sequence. Expected values follow Zeek's
// conn_state() in scripts/base/protocols/conn/main.zeek and its endpoint state machine
// (the comment on each case walks through the states).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { A, Conn, F, R, S, Trace } from './script';

function one(build: (t: Trace) => void): { state: string; history: string } {
  const t = new Trace();
  build(t);
  const f = t.finish().flows;
  assert.equal(f.length, 1);
  return { state: f[0].state, history: f[0].history };
}

const C = '10.1.0.1';
const SV = '10.1.0.2';

const cases: [string, string, string, (t: Trace) => void][] = [
  // orig SYN_SENT, resp INACTIVE.
  ['S0', 'S0', 'S', (t) => new Conn(t, C, 40000, SV, 80).syn(0)],
  // Both ESTABLISHED after SYN, SYN-ACK; no FIN.
  ['S1', 'S1', 'ShA', (t) => new Conn(t, C, 40000, SV, 80).handshake(0)],
  // Both CLOSED.
  ['SF', 'SF', 'ShAFf', (t) => {
    const c = new Conn(t, C, 40000, SV, 80);
    c.handshake(0);
    c.c2s(30, F | A);
    c.s2c(40, F | A);
  }],
  // The responder resets the SYN while orig is SYN_SENT.
  ['REJ', 'REJ', 'Sr', (t) => {
    t.packet(0, C, 40000, SV, 81, S, 1, 0);
    t.packet(1, SV, 81, C, 40000, R | A, 0, 2);
  }],
  // orig CLOSED, resp ESTABLISHED.
  ['S2', 'S2', 'ShAF', (t) => {
    const c = new Conn(t, C, 40000, SV, 80);
    c.handshake(0);
    c.c2s(30, F | A);
  }],
  // resp CLOSED, orig ESTABLISHED.
  ['S3', 'S3', 'ShAf', (t) => {
    const c = new Conn(t, C, 40000, SV, 80);
    c.handshake(0);
    c.s2c(30, F | A);
  }],
  // orig RESET after establishment, resp not inactive.
  ['RSTO', 'RSTO', 'ShAR', (t) => {
    const c = new Conn(t, C, 40000, SV, 80);
    c.handshake(0);
    c.c2s(30, R | A);
  }],
  // resp RESET after establishment.
  ['RSTR', 'RSTR', 'ShAr', (t) => {
    const c = new Conn(t, C, 40000, SV, 80);
    c.handshake(0);
    c.s2c(30, R | A);
  }],
  // orig SYN then its own RST; resp INACTIVE; history matches ^?S[^HAFGIQ]*R.
  ['RSTOS0', 'RSTOS0', 'SR', (t) => {
    t.packet(0, C, 40000, SV, 80, S, 1, 0);
    t.packet(1, C, 40000, SV, 80, R, 2, 0);
  }],
  // SYN-ACK first (Zeek flips: ^), then the responder resets; the originator stays INACTIVE.
  ['RSTRH', 'RSTRH', '^hr', (t) => {
    t.packet(0, SV, 80, C, 40000, S | A, 5000, 1001);
    t.packet(1, SV, 80, C, 40000, R, 5001, 0);
  }],
  // orig SYN then FIN, resp INACTIVE: orig CLOSED, resp inactive.
  ['SH', 'SH', 'SF', (t) => {
    t.packet(0, C, 40000, SV, 80, S, 1, 0);
    t.packet(1, C, 40000, SV, 80, F | A, 2, 0);
  }],
  // SYN-ACK then FIN from the responder (flipped), orig INACTIVE.
  ['SHR', 'SHR', '^hf', (t) => {
    t.packet(0, SV, 80, C, 40000, S | A, 5000, 1001);
    t.packet(1, SV, 80, C, 40000, F | A, 5001, 1001);
  }],
  // Mid-stream data between two ephemeral ports: both PARTIAL.
  ['OTH', 'OTH', 'Dd', (t) => {
    t.packet(0, C, 50000, SV, 50001, A, 10, 20, 100);
    t.packet(1, SV, 50001, C, 50000, A, 20, 110, 50);
  }],
];

for (const [name, state, history, build] of cases) {
  test(`conn_state ${name}`, () => {
    assert.deepEqual(one(build), { state, history });
  });
}

test('history: a retransmitted SYN (same ISN) adds no second S', () => {
  // Zeek adds a letter again only when the sequence number differs from the last one.
  const t = new Trace();
  t.packet(0, C, 40000, SV, 80, S, 100, 0);
  t.packet(1, C, 40000, SV, 80, S, 100, 0);
  const f = t.finish().flows;
  assert.equal(f.length, 1);
  assert.equal(f[0].history, 'S');
});

test('history: retransmitted data gives T (then again at the 10th), a zero window w', () => {
  const t = new Trace();
  const c = new Conn(t, C, 40000, SV, 80);
  c.handshake(0); // S h A
  t.packet(30, C, 40000, SV, 80, A, 1001, 5001, 100); // D: data 1001..1100
  // Nine copies of the same segment: its end is not beyond what was sent, so each is a
  // retransmission (Zeek's update_last_seq); the letter comes at the 1st and the 10th.
  for (let i = 0; i < 9; i++) t.packet(40 + i, C, 40000, SV, 80, A, 1001, 5001, 100);
  // The server's first pure ACK (a), advertising a full window (w: update_window runs after
  // update_history in Zeek).
  t.packet(60, SV, 80, C, 40000, A, 5001, 1101, 0, { window: 0 });
  t.packet(61, C, 40000, SV, 80, A, 1001, 5001, 100); // 10th retransmission: T again
  const f = t.finish().flows[0];
  assert.equal(f.history, 'ShADTawT');
});
