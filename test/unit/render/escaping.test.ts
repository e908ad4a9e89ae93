import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeXml, renderBarChart, renderMermaid, renderSequenceDiagram } from '../../../src/render';
import { byTestId, findAll, parseXml, tooltip, visibleText } from './miniXml';
import { lostFinalAck } from './scenarios';

const EVIL = '<script>alert(1)</script> "quoted" & \'single\' ]]> <![CDATA[x]]> \u0000\u0007 <!-- -->';

function hostile() {
  const s = lostFinalAck();
  s.flow.client = { ip: EVIL, port: 1 };
  s.flow.server = { ip: '"><svg onload=alert(1)>', port: 2 };
  s.events[0].comment = EVIL;
  s.events[0].options = EVIL;
  s.events[1].notes = [EVIL];
  s.findings[0].message = EVIL;
  s.findings.push({ ...s.findings[1], id: 12, packet: 0, message: EVIL });
  s.flow.findings.push(12);
  return s;
}

test('escapeXml escapes markup and replaces characters XML forbids', () => {
  assert.equal(escapeXml('<a href="x">&\'</a>'), '&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;');
  assert.equal(escapeXml(']]>'), ']]&gt;');
  assert.equal(escapeXml('a\u0000b\u001Fc\td'), 'a\uFFFDb\uFFFDc\td');
  assert.equal(escapeXml('\uD800x'), '\uFFFDx', 'lone surrogate');
  assert.equal(escapeXml('😀'), '😀', 'a real surrogate pair survives');
});

for (const standalone of [false, true]) {
  test(`hostile comment, address, options and finding text stay text (standalone=${standalone})`, () => {
    const s = hostile();
    const markup = renderSequenceDiagram(s.flow, s.events, s.findings, { standalone });
    const svg = parseXml(markup); // throws on anything ill-formed
    assert.equal(findAll(svg, (n) => n.name === 'script').length, 0);
    assert.ok(!/<script/i.test(markup));
    assert.equal(findAll(svg, (n) => n.name === 'svg').length, 1, 'no injected element');
    assert.equal(findAll(svg, (n) => Object.keys(n.attrs).some((k) => k.startsWith('on'))).length, 0);
    assert.ok(!markup.includes('\u0000'));
    // The user still sees what the capture said, as text.
    const first = byTestId(svg, 'arrow')[0];
    assert.ok(tooltip(first).includes('<script>alert(1)</script> "quoted" &'));
    assert.ok(visibleText(first).includes('<script>'), 'comment painted as text');
    assert.ok(visibleText(byTestId(svg, 'flow-findings')[0]).includes('<script>'));
  });
}

test('hostile text in the Mermaid output cannot break out of its line', () => {
  const s = hostile();
  const text = renderMermaid(s.flow, s.events, s.findings);
  assert.ok(!text.includes('<script'));
  assert.ok(!text.includes('\u0000'));
  for (const line of text.trimEnd().split('\n').slice(1)) {
    assert.match(line, /^ {4}(participant [CS] as |[CS]-{1,2}(>>|x)[CS]: |Note (over|right of) )/, line);
    assert.ok(!line.replace(/#\w+;/g, '').includes(';'), `no raw ";" (a statement break): ${line}`);
  }
});

test('hostile chart label is escaped', () => {
  const markup = renderBarChart({ label: EVIL, values: [1, 2] });
  const svg = parseXml(markup);
  assert.equal(findAll(svg, (n) => n.name === 'script').length, 0);
  assert.ok(visibleText(svg).includes('<scr'));
});
