/**
 * Every finding code in one place: its default severity, who decides it and from what, whether
 * a SYN flood absorbs it, its one-line title (SARIF rules, the table legend, the editor's
 * report) and its documentation (docs/findings.md, one section per code). The messages are
 * written where each finding is decided (`decidedIn`), with the shared formatting of
 * describe.ts.
 */
import type { FindingCode, Severity } from '../result';

export interface FindingRule {
  code: FindingCode;
  /** Default severity; `AnalysisConfig.severities` may override it. */
  severity: Severity;
  /** When it applies, in a sentence; the code that decides it is in `decidedIn`. */
  when: string;
  /** Source file (under src/core/) that decides it and writes its message. */
  decidedIn: string;
  /** Dropped for a flow that belongs to a SYN flood's failed attempts (the flood counts it). */
  floodAbsorbs: boolean;
  /** One line: SARIF rule text, table legend, the editor's report. */
  title: string;
}

const FLOW = 'engine/flowFindings.ts';
const END = 'engine/endFindings.ts';

export const FINDING_RULES: readonly FindingRule[] = [
  { code: 'syn-flood', severity: 'error', decidedIn: END, floodAbsorbs: false,
    when: 'one target has many failed handshakes from many sources at a high rate',
    title: 'SYN flood: many half-open connections to one target from many sources' },
  { code: 'half-open', severity: 'warning', decidedIn: FLOW, floodAbsorbs: true,
    when: 'the server sent a SYN-ACK and the client never completed the handshake',
    title: 'The server answered with a SYN-ACK but the handshake never completed' },
  { code: 'incomplete-at-end', severity: 'info', decidedIn: FLOW, floodAbsorbs: true,
    when: 'a handshake was in progress at the capture end before any retransmission was due',
    title: 'A handshake was still in progress when the capture ended (no retransmission was due yet)' },
  { code: 'unanswered-syn', severity: 'warning', decidedIn: FLOW, floodAbsorbs: true,
    when: 'no packet ever came back for a SYN',
    title: 'A SYN got no answer at all' },
  { code: 'syn-retransmission', severity: 'warning', decidedIn: FLOW, floodAbsorbs: true,
    when: 'the client retransmitted its SYN (copies of one packet excepted) and it was answered',
    title: 'The client had to retransmit its SYN before the server answered' },
  { code: 'synack-retransmission', severity: 'warning', decidedIn: FLOW, floodAbsorbs: true,
    when: 'the server retransmitted its SYN-ACK (copies excepted) on a flow that is not half-open',
    title: 'The server retransmitted its SYN-ACK (the final ACK was lost or late)' },
  { code: 'slow-handshake', severity: 'warning', decidedIn: `${FLOW}, ${END}`, floodAbsorbs: false,
    when: 'the handshake took longer than slowRttMs, or far longer than its server\'s median',
    title: 'The server or the path answered the handshake slower than the threshold or than its server usually needs' },
  { code: 'refused', severity: 'warning', decidedIn: FLOW, floodAbsorbs: false,
    when: 'the server answered the SYN with a RST',
    title: 'The server answered the SYN with a RST (nothing listening, or a firewall)' },
  { code: 'reset-during-handshake', severity: 'warning', decidedIn: FLOW, floodAbsorbs: true,
    when: 'a RST ended the connection before the handshake completed, other than a refusal',
    title: 'A RST ended the connection before the handshake completed' },
  { code: 'simultaneous-open', severity: 'info', decidedIn: FLOW, floodAbsorbs: false,
    when: 'both sides sent a SYN',
    title: 'Both sides sent a SYN (simultaneous open)' },
  { code: 'port-reuse', severity: 'info', decidedIn: FLOW, floodAbsorbs: false,
    when: 'a SYN with a new ISN re-opened a 4-tuple seen earlier',
    title: 'A new connection reused a 4-tuple seen earlier in the capture' },
  { code: 'options-mismatch', severity: 'info', decidedIn: FLOW, floodAbsorbs: false,
    when: 'the SYN-ACK accepted an option the SYN did not offer, or a value is out of range',
    title: 'The SYN-ACK accepted TCP options the SYN did not offer, or out-of-range values' },
  { code: 'capture-damaged', severity: 'error', decidedIn: END, floodAbsorbs: false,
    when: 'the reader stopped at damage in the file',
    title: 'The capture file is damaged; packets after the damage were not read' },
  { code: 'server-limit', severity: 'info', decidedIn: END, floodAbsorbs: false,
    when: 'more server endpoints than are tracked (MAX_TRACKED_SERVERS) were seen: some flows are in no per-server check',
    title: 'Too many server endpoints (a port scan): per-server checks left some flows out' },
  { code: 'capture-limits', severity: 'warning', decidedIn: 'engine/limits.ts', floodAbsorbs: false,
    when: 'more than maxLiveFlows flows were live at once and some were finished early',
    title: 'More flows were live at once than maxLiveFlows allows: some were finished early and their later packets not analysed' },
  { code: 'connection-churn', severity: 'warning', decidedIn: 'stories/connectionStorm.ts', floodAbsorbs: false,
    when: 'a client opens a new connection for (almost) every request',
    title: 'A client opens a new connection for (almost) every request' },
  { code: 'slow-connect', severity: 'warning', decidedIn: 'stories/hangingConnects.ts', floodAbsorbs: false,
    when: 'connects waited far longer than normal loss recovery explains',
    title: 'Connects waited far longer than normal loss recovery explains' },
  { code: 'connect-pileup', severity: 'warning', decidedIn: 'stories/hangingConnects.ts', floodAbsorbs: false,
    when: 'many connects to one target were pending at the same time',
    title: 'Many connects to one target were pending at the same time' },
];

function byCode<T>(pick: (r: FindingRule) => T): Record<FindingCode, T> {
  return Object.fromEntries(FINDING_RULES.map((r) => [r.code, pick(r)])) as Record<FindingCode, T>;
}

export const DEFAULT_SEVERITIES: Readonly<Record<FindingCode, Severity>> = Object.freeze(byCode((r) => r.severity));
export const FINDING_TITLES: Readonly<Record<FindingCode, string>> = Object.freeze(byCode((r) => r.title));
/** Codes dropped for flows that belong to a flood target's failed attempts. */
export const FLOOD_ABSORBED: ReadonlySet<FindingCode> = new Set(FINDING_RULES.filter((r) => r.floodAbsorbs).map((r) => r.code));

/** Anchor of a code's section in docs/findings.md. */
export function findingDocUrl(code: FindingCode): string {
  return `https://github.com/synscope/synscope/blob/main/docs/findings.md#${code}`;
}
