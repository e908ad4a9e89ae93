// What the screen must say, given the CLI's JSON for the same capture: the flow table's cell
// text, the diagram's arrows (frame numbers, Wireshark-style flag labels, drawn from which
// lifeline to which) and its RTT brackets. Pure functions over what screen.mjs read, so a
// failure message quotes what the user saw next to what the CLI says.
import assert from 'node:assert/strict';

/** Column header text → the flow field it shows, for headers without a data-sort key. */
const KEY_BY_TITLE = {
  '#': 'id', flow: 'id', client: 'client', server: 'server', state: 'state', rtt: 'rtt', findings: 'findings',
  'server rtt': 'serverRtt', 'client rtt': 'clientRtt', syn: 'syn', 'syn-ack': 'synAck', history: 'history',
};
/** Columns a user must see at the E2E window size: who talked to whom, how it went, how fast. */
const REQUIRED = ['id', 'client', 'server', 'state', 'rtt'];
const ZEEK_STATES = ['S0', 'S1', 'SF', 'REJ', 'S2', 'S3', 'RSTO', 'RSTR', 'RSTOS0', 'RSTRH', 'SH', 'SHR', 'OTH'];
const UNIT = { ns: 1e-9, 'µs': 1e-6, μs: 1e-6, us: 1e-6, ms: 1e-3, s: 1, min: 60, h: 3600 };

/**
 * Seconds a duration text stands for ("12.3 ms" → 0.0123) and the rounding the text allows
 * (half a unit of its last digit), or null when the text is not a duration.
 */
export function parseDuration(text) {
  const m = /^([−-])?(\d+(?:\.(\d+))?)\s*(ns|µs|μs|us|ms|s|min|h)$/.exec(String(text ?? '').trim());
  if (!m) return null;
  const scale = UNIT[m[4]];
  const sign = m[1] ? -1 : 1;
  return { seconds: sign * Number(m[2]) * scale, tolerance: 0.5 * 10 ** -(m[3]?.length ?? 0) * scale };
}

/** Asserts that `text` shows the duration `seconds` (null: an unmeasured dash). */
export function assertDuration(text, seconds, what, source = 'the CLI') {
  if (seconds === null || seconds === undefined) {
    assert.match(text, /^[—–-]$|^n\/a$/i, `${what}: ${source} measured none, the screen shows ${JSON.stringify(text)}`);
    return;
  }
  const d = parseDuration(text);
  assert.ok(d, `${what}: ${JSON.stringify(text)} is not a duration (${source} says ${seconds} s)`);
  assert.ok(Math.abs(d.seconds - seconds) <= d.tolerance + 1e-12,
    `${what}: the screen shows ${JSON.stringify(text)} (${d.seconds} s), ${source} says ${seconds} s`);
}

const endpointTexts = (ep) => [`${ep.ip}:${ep.port}`, `[${ep.ip}]:${ep.port}`];

/** The CLI's finding codes of a flow. */
/** What the table should say for each finding code: issue 22's plain words (the code when absent). */
const FINDING_WORDS = {
  'syn-flood': 'SYN flood', 'half-open': 'half-open', 'unanswered-syn': 'no answer', 'syn-retransmission': 'SYN resent',
  'synack-retransmission': 'SYN-ACK resent', 'slow-handshake': 'slow handshake', refused: 'refused',
  'reset-during-handshake': 'reset in handshake', 'simultaneous-open': 'simultaneous open', 'port-reuse': 'port reused',
  'options-mismatch': 'options mismatch', 'incomplete-at-end': 'in progress at end', 'capture-limits': 'capture limits',
};

function codesOf(result, flow) {
  const byId = new Map(result.findings.map((f) => [f.id, f]));
  return [...new Set(flow.findings.map((id) => byId.get(id)?.code).filter(Boolean))].sort();
}

/**
 * Every row on screen against the CLI: the "#" cell names the flow, and each other cell the
 * user can see must read that flow's value. Returns the flow ids read from the "#" cells.
 */
export function checkTable(result, table) {
  const keys = table.heads.map((h) => h.key || KEY_BY_TITLE[h.title.toLowerCase()] || null);
  for (const k of REQUIRED) {
    const i = keys.indexOf(k);
    assert.ok(i >= 0, `no ${k} column in the table (headers: ${JSON.stringify(table.heads.map((h) => h.title))})`);
    assert.ok(table.heads[i].shown, `the ${k} column header is not on screen`);
  }
  assert.ok(table.rows.length > 0, 'no flow rows on screen');
  const flows = new Map(result.flows.map((f) => [f.id, f]));
  const ids = [];
  for (const [n, row] of table.rows.entries()) {
    const cell = (k) => row.cells[keys.indexOf(k)];
    const idText = cell('id');
    assert.match(idText ?? '', /^\d+$/, `row ${n + 1}: the # cell reads ${JSON.stringify(idText)}, not a flow number`);
    const id = Number(idText);
    const flow = flows.get(id);
    assert.ok(flow, `row ${n + 1} shows flow ${id}, which the CLI does not report`);
    if (row.flowIdAttr !== null) assert.equal(Number(row.flowIdAttr), id, `row ${n + 1}: shows flow ${id} but clicking it opens flow ${row.flowIdAttr}`);
    ids.push(id);
    const at = `flow ${id}`;
    keys.forEach((k, c) => {
      const text = row.cells[c];
      if (k === null) return;
      if (text === null) {
        assert.ok(!REQUIRED.includes(k), `${at}: the ${k} cell is not on screen`);
        return;
      }
      switch (k) {
        case 'id': break;
        case 'client':
        case 'server':
          assert.ok(endpointTexts(flow[k]).includes(text), `${at}: ${k} cell reads ${JSON.stringify(text)}, the CLI says ${endpointTexts(flow[k])[0]}`);
          break;
        case 'state':
          // Either the Zeek code itself or words for it; never empty, never another code.
          assert.ok(text.length > 0, `${at}: empty state cell (the CLI says ${flow.state})`);
          if (ZEEK_STATES.includes(text) || !/[a-z]/.test(text)) assert.equal(text, flow.state, `${at}: state cell`);
          break;
        case 'rtt': assertDuration(text, flow.handshake.rtt, `${at}: RTT cell`); break;
        case 'serverRtt': assertDuration(text, flow.handshake.serverRtt, `${at}: server RTT cell`); break;
        case 'clientRtt': assertDuration(text, flow.handshake.clientRtt, `${at}: client RTT cell`); break;
        case 'syn': assert.equal(text, String(flow.syn), `${at}: SYN cell`); break;
        case 'synAck': assert.equal(text, String(flow.synAck), `${at}: SYN-ACK cell`); break;
        case 'history': assert.equal(text, flow.history, `${at}: history cell`); break;
        case 'findings': {
          // The cell writes the first finding in plain words and counts the rest ("no answer +2").
          const codes = codesOf(result, flow);
          const m = /^(.*?)(?: \+(\d+))?$/.exec(text);
          const count = text === '' ? 0 : 1 + Number(m[2] ?? 0);
          assert.equal(count, codes.length, `${at}: findings cell reads ${JSON.stringify(text)}, the CLI lists ${codes.join(', ') || 'none'}`);
          if (count > 0) assert.ok(codes.some((c) => (FINDING_WORDS[c] ?? c) === m[1]), `${at}: findings cell reads ${JSON.stringify(text)}, the CLI lists ${codes.join(', ')}`);
          break;
        }
        default: break;
      }
    });
  }
  assert.equal(new Set(ids).size, ids.length, `a flow shown twice in the table (${ids})`);
  return ids;
}

/**
 * The arrows as read off the screen: frame from the number next to it (under the "frame" header), kind from the flags in
 * its label ("[SYN, ACK] Seq=0 …", as Wireshark's Info column writes them), direction from
 * which lifeline its head is drawn at.
 */
export function readArrows(diagram) {
  const span = Math.abs(diagram.serverX - diagram.clientX);
  return diagram.arrows.map((a, i) => {
    // The frame number: the only bare integer in the arrow's group (times carry a unit or a dot).
    const frameText = a.texts.find((t) => /^\d+$/.test(t));
    const label = a.texts.find((t) => LABEL.test(t)) ?? null;
    const m = label ? LABEL.exec(label) : null;
    const flags = m ? m[1].split(/,\s*/).filter((f) => f !== '<none>') : [];
    // The line runs lifeline to lifeline; the head (or the lost-packet cross) is the small shape.
    const long = a.shapes.filter((b) => b.right - b.left >= span * 0.6);
    const heads = a.shapes.filter((b) => b.right - b.left < 20 && b.right - b.left > 0);
    let dir = null;
    if (long.length > 0 && heads.length > 0) {
      const hx = heads.reduce((s, b) => s + (b.left + b.right) / 2, 0) / heads.length;
      dir = Math.abs(hx - diagram.serverX) < Math.abs(hx - diagram.clientX) ? 'c2s' : 's2c';
    }
    return {
      n: i + 1, frame: frameText ? Number(frameText) : null, label, flags, kind: kindOf(flags), dir, texts: a.texts,
      seq: field(label, 'Seq'), ack: field(label, 'Ack'),
    };
  });
}

/** "SYN, ACK Seq=0 Ack=1 Win=…" (Wireshark's Info column without its brackets and ports). */
const LABEL = /^\[?([A-Z]+(?:, [A-Z]+)*|<none>)\]? Seq=/;
const field = (text, name) => {
  const m = new RegExp(`\\b${name}=(\\d+)`).exec(text ?? '');
  return m ? Number(m[1]) : null;
};

/** The arrow kind a flag set stands for, as a reader of the label would name it. */
function kindOf(flags) {
  const has = (f) => flags.includes(f);
  if (has('RST')) return 'RST';
  if (has('SYN')) return has('ACK') ? 'SYN-ACK' : 'SYN';
  if (has('FIN')) return 'FIN';
  if (flags.length) return 'ACK';
  return null;
}

/**
 * The drawn diagram against the CLI's flow record, and against tshark's Info column per frame
 * (flags, relative Seq and Ack) when `tshark` (from tshark.mjs) is given.
 */
export function checkDiagram(flow, diagram, { tshark = null } = {}) {
  assert.ok(diagram, `flow ${flow.id}: no sequence diagram on screen`);
  assert.ok(diagram.shown, `flow ${flow.id}: the diagram is not shown`);
  assert.ok(diagram.texts.some((t) => new RegExp(`\\bFlow ${flow.id}\\b`).test(t)), `flow ${flow.id}: the diagram's headline does not name flow ${flow.id} (${JSON.stringify(diagram.texts.slice(0, 2))})`);
  assert.ok(diagram.texts.includes('frame'), `flow ${flow.id}: no "frame" header over the frame numbers`);
  const arrows = readArrows(diagram);
  assert.ok(arrows.length > 0, `flow ${flow.id}: the diagram has no arrows`);
  for (const a of arrows) {
    const what = `flow ${flow.id}, arrow ${a.n} (${JSON.stringify(a.texts.slice(0, 4))})`;
    assert.ok(a.frame !== null, `${what}: no frame number next to it`);
    assert.ok(a.label, `${what}: no flags label on it`);
    assert.ok(a.dir, `${what}: no arrow line with a head is drawn between the lifelines`);
    assert.ok(a.frame >= flow.firstPacket && a.frame <= flow.lastPacket, `${what}: frame ${a.frame} outside the flow's frames ${flow.firstPacket}..${flow.lastPacket}`);
    const ts = tshark?.get(a.frame);
    if (ts) {
      assert.deepEqual([...a.flags].sort(), [...ts.flags].sort(), `${what}: flags vs tshark's "${ts.info}"`);
      if (ts.seq !== null) assert.equal(a.seq, ts.seq, `${what}: Seq vs tshark's "${ts.info}"`);
      if (ts.ack !== null && a.flags.includes('ACK')) assert.equal(a.ack, ts.ack, `${what}: Ack vs tshark's "${ts.info}"`);
    }
  }
  const at = (ref, kind, dir) => {
    if (!ref) return;
    const a = arrows.find((x) => x.frame === ref.packet);
    assert.ok(a, `flow ${flow.id}: no arrow for the ${kind} in frame ${ref.packet} (arrows: ${arrows.map((x) => `#${x.frame} ${x.label}`).join('; ')})`);
    assert.equal(a.kind, kind, `flow ${flow.id}: frame ${ref.packet} is labelled ${a.label}, the CLI says it is the ${kind}`);
    assert.equal(a.dir, dir, `flow ${flow.id}: the ${kind} of frame ${ref.packet} points ${a.dir}`);
  };
  const hs = flow.handshake;
  at(hs.syn, 'SYN', 'c2s');
  at(hs.synAck, 'SYN-ACK', 's2c');
  at(hs.ack, 'ACK', 'c2s');
  const count = (kind, dir) => arrows.filter((a) => a.kind === kind && (!dir || a.dir === dir)).length;
  assert.equal(count('SYN'), flow.syn, `flow ${flow.id}: SYN arrows on screen vs the CLI's SYN count`);
  assert.equal(count('SYN-ACK'), flow.synAck, `flow ${flow.id}: SYN-ACK arrows on screen vs the CLI's SYN-ACK count`);
  if (flow.reset) {
    assert.ok(count('RST', flow.reset === 'client' ? 'c2s' : 's2c') > 0, `flow ${flow.id}: reset by the ${flow.reset} but no RST arrow from it`);
  } else {
    assert.equal(count('RST'), 0, `flow ${flow.id}: an RST arrow on a flow the CLI says was not reset`);
  }
  for (const [side, dir] of [['client', 'c2s'], ['server', 's2c']]) {
    const fins = arrows.filter((a) => a.flags.includes('FIN') && a.dir === dir).length;
    if (flow.fin[side] && !flow.reset) assert.ok(fins > 0, `flow ${flow.id}: the ${side} sent a FIN but no FIN arrow goes ${dir}`);
    if (!flow.fin[side]) assert.equal(fins, 0, `flow ${flow.id}: FIN arrow ${dir}, the CLI says the ${side} sent none`);
  }
  const frames = arrows.map((a) => a.frame);
  assert.equal(new Set(frames).size, frames.length, `flow ${flow.id}: a frame drawn twice (${frames})`);
  assert.ok(arrows.length <= flow.packets.client + flow.packets.server, `flow ${flow.id}: more arrows than packets`);
  checkRttBrackets(flow, diagram);
  return arrows;
}

/** "handshake RTT 412 ms", "server side 9.80 ms": the bracket labels next to their values. */
function checkRttBrackets(flow, diagram) {
  const hs = flow.handshake;
  const pairs = [['handshake RTT', hs.rtt], ['server side', hs.serverRtt], ['client side', hs.clientRtt]];
  for (const [name, seconds] of pairs) {
    const i = diagram.texts.indexOf(name);
    if (seconds === null) continue;
    assert.ok(i >= 0, `flow ${flow.id}: no "${name}" bracket on the diagram (the CLI measured ${seconds} s)`);
    assertDuration(diagram.texts[i + 1], seconds, `flow ${flow.id}: "${name}" bracket`);
  }
}
