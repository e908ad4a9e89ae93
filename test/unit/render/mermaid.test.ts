import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderMermaid } from '../../../src/render';
import { cleanHandshake, lostFinalAck, refused, silentHost, simultaneousOpen } from './scenarios';

const MESSAGE = /^ {4}([CS])(-{1,2})(>>|x)([CS]): (.*)$/;

function messages(text: string) {
  return text.split('\n').map((l) => MESSAGE.exec(l)).filter((m): m is RegExpExecArray => m !== null);
}

for (const make of [cleanHandshake, lostFinalAck, silentHost, refused, simultaneousOpen]) {
  test(`${make.name}: a sequenceDiagram with one message line per event`, () => {
    const s = make();
    const text = renderMermaid(s.flow, s.events, s.findings);
    assert.equal(text.split('\n')[0], 'sequenceDiagram');
    const ms = messages(text);
    assert.equal(ms.length, s.events.length);
    assert.deepEqual(ms.map((m) => m[1]), s.events.map((e) => (e.dir === 'c2s' ? 'C' : 'S')));
    ms.forEach((m, i) => assert.ok(m[5].includes(`frame ${s.events[i].packet}`)));
  });
}

test('retransmissions are dotted with their backoff; unanswered tries end in a cross', () => {
  const s = lostFinalAck();
  const ms = messages(renderMermaid(s.flow, s.events, s.findings));
  assert.deepEqual(ms.map((m) => m[2] + m[3]), ['->>', '-x', '--x', '--x', '-->>', '->>']);
  assert.match(ms[4][5], /retransmission \+4\.0 s/);
});

test('participants, RTT, gaps and findings appear as Mermaid statements', () => {
  const s = lostFinalAck();
  const text = renderMermaid(s.flow, s.events, s.findings);
  assert.match(text, /participant C as client 10\.0\.0\.1#58;51234/);
  assert.match(text, /Note right of S: handshake RTT 7\.0 s/);
  assert.match(text, /Note over C,S: 2\.0 s later/);
  assert.match(text, /Note over C,S: warning: synack-retransmission/);
});

test('clean handshake has no gap notes', () => {
  const s = cleanHandshake();
  assert.ok(!/later/.test(renderMermaid(s.flow, s.events, s.findings)));
});
