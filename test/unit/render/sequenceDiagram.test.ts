import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderSequenceDiagram } from '../../../src/render';
import { byTestId, findAll, parseXml, tooltip, visibleText, type XmlNode } from './miniXml';
import { cleanHandshake, lostFinalAck, retriedSyn, refused, silentHost, simultaneousOpen, type Scenario } from './scenarios';

function render(s: Scenario, opts: Parameters<typeof renderSequenceDiagram>[3] = {}): XmlNode {
  return parseXml(renderSequenceDiagram(s.flow, s.events, s.findings, opts));
}

function arrows(svg: XmlNode): XmlNode[] {
  return byTestId(svg, 'arrow');
}

/** The y where an arrow leaves its sender (first <line> of the group). */
function arrowY(a: XmlNode): number {
  return Number(findAll(a, (n) => n.name === 'line')[0].attrs.y1);
}

test('root carries the test ids, flow id and xmlns', () => {
  const svg = render(cleanHandshake());
  assert.equal(svg.name, 'svg');
  assert.equal(svg.attrs['data-testid'], 'sequence-diagram');
  assert.equal(svg.attrs['data-flow-id'], '1');
  assert.equal(svg.attrs.xmlns, 'http://www.w3.org/2000/svg');
});

for (const [name, make, kinds] of [
  ['clean handshake', cleanHandshake, ['SYN', 'SYN-ACK', 'ACK', 'DATA']],
  ['lost final ACK', lostFinalAck, ['SYN', 'SYN-ACK', 'SYN-ACK', 'SYN-ACK', 'SYN-ACK', 'ACK']],
  ['silent host', silentHost, ['SYN', 'SYN', 'SYN', 'SYN', 'SYN', 'SYN', 'SYN']],
  ['refused', refused, ['SYN', 'RST']],
  ['simultaneous open', simultaneousOpen, ['SYN', 'SYN', 'SYN-ACK', 'SYN-ACK', 'ACK']],
] as const) {
  test(`${name}: one arrow per event, in time order, with its kind`, () => {
    const s = make();
    const svg = render(s);
    const as = arrows(svg);
    assert.equal(as.length, s.events.length);
    assert.deepEqual(as.map((a) => a.attrs['data-kind']), kinds);
    assert.deepEqual(as.map((a) => Number(a.attrs['data-packet'])), s.events.map((e) => e.packet));
    const ys = as.map(arrowY);
    for (let i = 1; i < ys.length; i++) assert.ok(ys[i] > ys[i - 1], `arrow ${i} below arrow ${i - 1}`);
  });
}

test('events given out of order are drawn in time order', () => {
  const s = cleanHandshake();
  const svg = render({ ...s, events: [s.events[2], s.events[0], s.events[3], s.events[1]] });
  assert.deepEqual(arrows(svg).map((a) => a.attrs['data-packet']), ['1', '2', '3', '4']);
});

test('arrows go from the sender to the receiver lifeline', () => {
  const svg = render(refused());
  const [syn, rst] = arrows(svg).map((a) => findAll(a, (n) => n.name === 'line')[0].attrs);
  assert.ok(Number(syn.x1) < Number(syn.x2), 'client → server runs left to right');
  assert.ok(Number(rst.x1) > Number(rst.x2), 'server → client runs right to left');
});

test('arrow labels read like Wireshark, with options underneath', () => {
  const svg = render(cleanHandshake());
  const [syn, synAck, , data] = arrows(svg);
  assert.match(visibleText(syn), /SYN Seq=0 Win=64240/);
  assert.match(visibleText(syn), /MSS=1460 WS=7 SACK_PERM TS/);
  assert.match(visibleText(synAck), /SYN, ACK Seq=0 Ack=1 Win=65160/);
  assert.match(visibleText(data), /PSH, ACK Seq=1 Ack=1 Win=502 Len=517/);
});

test('hover text names the frame, time, flags, window, options and notes', () => {
  const s = cleanHandshake();
  s.events[1].comment = 'server under load';
  const tip = tooltip(arrows(render(s))[1]);
  for (const part of ['Frame 2', '1700000000.000150', 'SYN, ACK', 'Win=65160', 'Len=0', 'Options: MSS=1460', '10.0.0.2:443 → 10.0.0.1:51234', 'Comment: server under load']) {
    assert.ok(tip.includes(part), `tooltip has ${part}: ${tip}`);
  }
  assert.ok(tooltip(arrows(render(s))[2]).includes('Notes: handshake-ack'));
});

test('clean handshake: RTT brackets show 150 µs total, 50 µs server side, 100 µs client side', () => {
  const svg = render(cleanHandshake());
  const rtt = Object.fromEntries(byTestId(svg, 'rtt').map((g) => [g.attrs['data-rtt'], g]));
  assert.deepEqual(Object.keys(rtt).sort(), ['client', 'server', 'total']);
  // .000250 − .000100, .000150 − .000100, .000250 − .000150
  assert.equal(Number(rtt.total.attrs['data-seconds']), 150e-6);
  assert.equal(Number(rtt.server.attrs['data-seconds']), 50e-6);
  assert.equal(Number(rtt.client.attrs['data-seconds']), 100e-6);
  assert.equal(visibleText(byTestId(rtt.total, 'rtt-value')[0]).trim(), '150 µs');
  assert.equal(visibleText(byTestId(rtt.server, 'rtt-value')[0]).trim(), '50 µs');
  assert.equal(visibleText(byTestId(rtt.client, 'rtt-value')[0]).trim(), '100 µs');
});

test('clean handshake: no gap break, no retransmission, nothing unanswered', () => {
  const svg = render(cleanHandshake());
  assert.equal(byTestId(svg, 'gap').length, 0);
  assert.equal(arrows(svg).filter((a) => a.attrs['data-retransmission']).length, 0);
  assert.equal(byTestId(svg, 'lost-marker').length, 0);
});

test('lost final ACK: SYN-ACK retransmissions are dashed, orange-classed and show 1.0/2.0/4.0 s backoff', () => {
  const svg = render(lostFinalAck());
  const rts = arrows(svg).filter((a) => a.attrs['data-retransmission'] === 'true');
  assert.deepEqual(rts.map((a) => a.attrs['data-packet']), ['3', '4', '5']);
  for (const a of rts) {
    assert.match(a.attrs.class, /\bss-retransmission\b/);
    const line = findAll(a, (n) => n.name === 'line')[0];
    assert.match(line.attrs.class, /\bss-retrans\b/);
    assert.ok(line.attrs['stroke-dasharray'], 'dashed');
  }
  assert.deepEqual(rts.map((a) => visibleText(byTestId(a, 'backoff')[0]).trim()),
    ['↻ retransmission +1.0 s', '↻ retransmission +2.0 s', '↻ retransmission +4.0 s']);
  const first = arrows(svg)[1];
  assert.equal(findAll(first, (n) => n.name === 'line')[0].attrs['stroke-dasharray'], undefined, 'the original is solid');
});

test('lost final ACK: total RTT 7.0 s (Wireshark\'s), the client side only from the SYN-ACK it acknowledged', () => {
  const svg = render(lostFinalAck());
  const rtt = Object.fromEntries(byTestId(svg, 'rtt').map((g) => [g.attrs['data-rtt'], g]));
  assert.ok(Math.abs(Number(rtt.total.attrs['data-seconds']) - 7.0004) < 1e-9);
  // Frame 5 (the last SYN-ACK) → frame 6: the client answered in 200 µs, not 7 s.
  assert.deepEqual([rtt.client.attrs['data-from'], rtt.client.attrs['data-to']], ['5', '6']);
  assert.ok(Math.abs(Number(rtt.client.attrs['data-seconds']) - 0.0002) < 1e-9);
  assert.equal(rtt.connect, undefined);
  assert.equal(visibleText(byTestId(rtt.total, 'rtt-value')[0]).trim(), '7.0 s');
  assert.equal(visibleText(byTestId(rtt.server, 'rtt-value')[0]).trim(), '200 µs');
});

test('a retried SYN: the server side from the retry it answered, the connect time from the first SYN', () => {
  const svg = render(retriedSyn());
  const rtt = Object.fromEntries(byTestId(svg, 'rtt').map((g) => [g.attrs['data-rtt'], g]));
  assert.deepEqual([rtt.server.attrs['data-from'], rtt.server.attrs['data-to']], ['2', '3']);
  assert.equal(visibleText(byTestId(rtt.server, 'rtt-value')[0]).trim(), '40 µs');
  assert.deepEqual([rtt.total.attrs['data-from'], rtt.total.attrs['data-to']], ['2', '4']);
  assert.deepEqual([rtt.connect.attrs['data-from'], rtt.connect.attrs['data-to']], ['1', '4']);
  assert.equal(visibleText(byTestId(rtt.connect, 'rtt-value')[0]).trim(), '1.2 s');
});

test('lost final ACK: breaks before frames 3, 4, 5 with their durations; unanswered SYN-ACKs are crossed', () => {
  const svg = render(lostFinalAck());
  const gaps = byTestId(svg, 'gap');
  assert.deepEqual(gaps.map((g) => g.attrs['data-before-packet']), ['3', '4', '5']);
  assert.deepEqual(gaps.map((g) => Number(g.attrs['data-seconds'])), [1, 2, 4]);
  assert.match(visibleText(gaps[1]), /2\.0 s later/);
  assert.deepEqual(arrows(svg).filter((a) => a.attrs['data-unanswered']).map((a) => a.attrs['data-packet']), ['2', '3', '4']);
});

test('findings are attached to the arrow of their packet', () => {
  const svg = render(lostFinalAck());
  const byPacket = Object.fromEntries(arrows(svg).map((a) => [a.attrs['data-packet'], byTestId(a, 'finding').map((f) => f.attrs['data-code'])]));
  assert.deepEqual(byPacket, {
    1: [], 2: [], 3: ['synack-retransmission'], 4: [], 5: [], 6: ['slow-handshake'],
  });
  const f = byTestId(svg, 'finding')[0];
  assert.match(visibleText(f), /⚠ synack-retransmission: SYN-ACK retransmitted 3 times/);
  assert.equal(byTestId(svg, 'flow-findings').length, 0);
});

test('silent host over 63 s: six breaks, every SYN crossed, flow-level finding in the footer', () => {
  const svg = render(silentHost());
  const gaps = byTestId(svg, 'gap');
  assert.deepEqual(gaps.map((g) => Number(g.attrs['data-seconds'])), [1, 2, 4, 8, 16, 32]);
  assert.match(visibleText(gaps[5]), /32\.0 s later/);
  assert.deepEqual(arrows(svg).map((a) => byTestId(a, 'lost-marker').length), [1, 1, 1, 1, 1, 1, 1]);
  assert.deepEqual(arrows(svg).filter((a) => a.attrs['data-retransmission']).map((a) => a.attrs['data-packet']), ['2', '3', '4', '5', '6', '7']);
  assert.deepEqual(byTestId(arrows(svg)[1], 'finding').map((f) => f.attrs['data-code']), ['syn-retransmission']);
  const footer = byTestId(svg, 'flow-findings');
  assert.equal(footer.length, 1);
  assert.deepEqual(byTestId(footer[0], 'finding').map((f) => f.attrs['data-code']), ['unanswered-syn']);
  assert.equal(byTestId(svg, 'rtt').length, 0);
  // The compressed chart stays short: 63 s does not become 63 screens.
  assert.ok(Number(svg.attrs.height) < 1000, `height ${svg.attrs.height}`);
});

test('silent host: long IPv6 endpoints are abbreviated in the header with the full text on hover', () => {
  const svg = render(silentHost());
  const client = byTestId(svg, 'endpoint-client')[0];
  const shown = visibleText(client);
  assert.ok(shown.includes('…'), shown);
  assert.ok(shown.includes(']:40000'), 'port kept whole');
  assert.ok(tooltip(client).includes('[2001:db8:85a3:1234:5678:8a2e:370:7334]:40000'));
});

test('refused: RST arrow, error finding on it, a SYN → RST bracket of 80 µs, the SYN counts as answered', () => {
  const svg = render(refused());
  const [syn, rst] = arrows(svg);
  assert.equal(rst.attrs['data-kind'], 'RST');
  assert.match(findAll(rst, (n) => n.name === 'line')[0].attrs.class, /\bss-rst\b/);
  assert.deepEqual(byTestId(rst, 'finding').map((f) => [f.attrs['data-code'], f.attrs['data-severity']]), [['refused', 'error']]);
  assert.equal(syn.attrs['data-unanswered'], undefined);
  const rtt = byTestId(svg, 'rtt');
  assert.deepEqual(rtt.map((g) => g.attrs['data-rtt']), ['reset']);
  assert.equal(Number(rtt[0].attrs['data-seconds']), 80e-6); // .000080 − .000000
  assert.equal(visibleText(byTestId(rtt[0], 'rtt-value')[0]).trim(), '80 µs');
});

test('simultaneous open: both SYNs are first transmissions, not retransmissions', () => {
  const svg = render(simultaneousOpen());
  assert.equal(arrows(svg).filter((a) => a.attrs['data-retransmission']).length, 0);
  assert.deepEqual(arrows(svg).map((a) => a.attrs['data-dir']), ['c2s', 's2c', 'c2s', 's2c', 'c2s']);
  assert.deepEqual(byTestId(arrows(svg)[1], 'finding').map((f) => f.attrs['data-code']), ['simultaneous-open']);
});

test('time column follows timeDisplay', () => {
  const s = cleanHandshake();
  const times = (mode: 'absolute' | 'relative' | 'delta') =>
    byTestId(render(s, { timeDisplay: mode }), 'time').map((t) => visibleText(t).trim());
  assert.deepEqual(times('absolute'), ['1700000000.000100', '1700000000.000150', '1700000000.000250', '1700000000.000300']);
  assert.deepEqual(times('relative'), ['0.000000 s', '0.000050 s', '0.000150 s', '0.000200 s']);
  assert.deepEqual(times('delta'), ['start', '+50 µs', '+100 µs', '+50 µs']);
});

test('findings of other flows are left out', () => {
  const s = cleanHandshake();
  const other = { id: 99, code: 'refused' as const, severity: 'error' as const, message: 'x', flows: [42], packet: 2, time: null, details: {} };
  const svg = render({ ...s, findings: [other] });
  assert.equal(byTestId(svg, 'finding').length, 0);
});

test('no events: a valid diagram that says so', () => {
  const s = cleanHandshake();
  const svg = render({ ...s, events: [] });
  assert.equal(arrows(svg).length, 0);
  assert.match(visibleText(svg), /No handshake packets/);
});

test('webview variant has no <style> and no style attributes; standalone embeds the style', () => {
  const s = lostFinalAck();
  const inline = renderSequenceDiagram(s.flow, s.events, s.findings);
  assert.equal(findAll(parseXml(inline), (n) => n.name === 'style' || 'style' in n.attrs).length, 0);
  const alone = parseXml(renderSequenceDiagram(s.flow, s.events, s.findings, { standalone: true }));
  const style = findAll(alone, (n) => n.name === 'style');
  assert.equal(style.length, 1);
  assert.match(style[0].texts.join(''), /var\(--vscode-foreground, #[0-9a-f]+\)/);
  assert.equal(findAll(alone, (n) => 'style' in n.attrs).length, 0);
});

test('a long finding message wraps between the lifelines (at most three lines) instead of running off', () => {
  const s = refused();
  s.findings[0].message = 'Connection refused: ' + 'the server answered the SYN with RST/ACK '.repeat(6);
  const svg = render(s);
  const f = byTestId(arrows(svg)[1], 'finding')[0];
  const lines = f.children.filter((n) => n.name === 'text');
  assert.equal(lines.length, 3);
  assert.ok(lines[2].texts.join('').endsWith('…'));
  const xs = findAll(arrows(svg)[0], (n) => n.name === 'line')[0].attrs;
  const room = Math.abs(Number(xs.x2) - Number(xs.x1));
  for (const l of lines) assert.ok(l.texts.join('').length * 6 < room, 'fits between the lifelines at 10 px monospace');
  assert.ok(tooltip(f).includes('RST/ACK the server answered'), 'full message on hover');
});

test('frame numbers read as frames: a "frame" header over the column, no "#" (which names flows in the table)', () => {
  const s = cleanHandshake();
  const svg = render(s);
  const header = byTestId(svg, 'frame-header');
  assert.equal(header.length, 1);
  assert.equal(visibleText(header[0]).trim(), 'frame');
  const as = arrows(svg);
  as.forEach((a, i) => {
    const n = s.events[i]!.packet;
    assert.equal(visibleText(byTestId(a, 'frame')[0]).trim(), String(n));
    assert.ok(!visibleText(a).includes('#'), `arrow ${i + 1} still writes "#": ${visibleText(a)}`);
    assert.match(tooltip(a), new RegExp(`^Frame ${n} · `));
  });
});
