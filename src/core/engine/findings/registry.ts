/**
 * Every finding code in one place: its default severity, when it applies and how it is worded
 * (the rules: decided per flow, at the end of the capture, or by the stories), whether a SYN
 * flood absorbs it, its one-line title (SARIF rules, the table legend, the editor's report) and
 * its documentation (docs/findings.md, one section per code). Messages format durations with
 * formatDuration (describe.ts), as the diagrams do.
 */
import type { FindingCode, Severity } from '../result';
import { connectionStorms, churnMessage } from '../../stories/connectionStorm';
import { hangingConnects, pileupMessage, slowConnectMessage } from '../../stories/hangingConnects';
import { captureDamaged, captureLimits, serverLimit } from './captureRules';
import { optionsMismatch, portReuse, simultaneousOpen } from './handshakeRules';
import { halfOpen, incompleteAtEnd, refused, resetDuringHandshake, unansweredSyn } from './outcomeRules';
import { synAckRetransmission, synRetransmission } from './retransmissionRules';
import type { EndRule, PerFlowRule, StoryRule } from './rule';
import { slowAbsolute, slowOutlier } from './slowHandshake';
import { synFlood } from './synFlood';

export interface FindingRule {
  code: FindingCode;
  /** Default severity; `AnalysisConfig.severities` may override it. */
  severity: Severity;
  /** When it applies, in a sentence (the rules below decide it). */
  when: string;
  /** One line: SARIF rule text, table legend, the editor's report. */
  title: string;
  /** Its section in docs/findings.md. */
  doc: string;
  /** Dropped for a flow that belongs to a SYN flood's failed attempts (the flood counts it). */
  floodAbsorbs: boolean;
  /** About many flows or the capture as a whole: the editor's report lists these first, as they explain the rest. */
  explainsMany: boolean;
  /** Decided when a flow is finished (flowFindings.ts runs these). */
  perFlow?: PerFlowRule;
  /** Decided at the end of the capture (endFindings.ts runs these). */
  atEnd?: EndRule<any>;
  /** Decided while the stories are told. */
  inStories?: StoryRule<any>;
}

/** Anchor of a code's section in docs/findings.md, in the given repository (default: the project's). */
export function findingDocUrl(code: string, repositoryUrl = 'https://github.com/synscope/synscope'): string {
  const base = repositoryUrl.replace(/^git\+/, '').replace(/\.git$/, '').replace(/\/$/, '');
  return `${base}/blob/main/docs/findings.md#${code}`;
}

type Entry = Omit<FindingRule, 'doc' | 'floodAbsorbs' | 'explainsMany'> & Partial<Pick<FindingRule, 'floodAbsorbs' | 'explainsMany'>>;

function rule(e: Entry): FindingRule {
  return { ...e, doc: findingDocUrl(e.code), floodAbsorbs: e.floodAbsorbs ?? false, explainsMany: e.explainsMany ?? false };
}

export const FINDING_RULES: readonly FindingRule[] = [
  rule({
    code: 'syn-flood', severity: 'error', explainsMany: true, atEnd: synFlood,
    when: 'one target has many failed handshakes from many sources at a high rate',
    title: 'SYN flood: many half-open connections to one target from many sources',
  }),
  rule({
    code: 'half-open', severity: 'warning', floodAbsorbs: true, perFlow: halfOpen,
    when: 'the server sent a SYN-ACK and the client never completed the handshake',
    title: 'The server answered with a SYN-ACK but the handshake never completed',
  }),
  rule({
    code: 'incomplete-at-end', severity: 'info', floodAbsorbs: true, perFlow: incompleteAtEnd,
    when: 'a handshake was in progress at the capture end before any retransmission was due',
    title: 'A handshake was still in progress when the capture ended (no retransmission was due yet)',
  }),
  rule({
    code: 'unanswered-syn', severity: 'warning', floodAbsorbs: true, perFlow: unansweredSyn,
    when: 'no packet ever came back for a SYN',
    title: 'A SYN got no answer at all',
  }),
  rule({
    code: 'syn-retransmission', severity: 'warning', floodAbsorbs: true, perFlow: synRetransmission,
    when: 'the client retransmitted its SYN (copies of one packet excepted) and it was answered',
    title: 'The client had to retransmit its SYN before the server answered',
  }),
  rule({
    code: 'synack-retransmission', severity: 'warning', floodAbsorbs: true, perFlow: synAckRetransmission,
    when: 'the server retransmitted its SYN-ACK (copies excepted) on a flow that is not half-open',
    title: 'The server retransmitted its SYN-ACK (the final ACK was lost or late)',
  }),
  rule({
    code: 'slow-handshake', severity: 'warning', perFlow: slowAbsolute, atEnd: slowOutlier,
    when: 'the handshake took longer than slowRttMs, or far longer than its server\'s median',
    title: 'The server or the path answered the handshake slower than the threshold or than its server usually needs',
  }),
  rule({
    code: 'refused', severity: 'warning', perFlow: refused,
    when: 'the server answered the SYN with a RST',
    title: 'The server answered the SYN with a RST (nothing listening, or a firewall)',
  }),
  rule({
    code: 'reset-during-handshake', severity: 'warning', floodAbsorbs: true, perFlow: resetDuringHandshake,
    when: 'a RST ended the connection before the handshake completed, other than a refusal',
    title: 'A RST ended the connection before the handshake completed',
  }),
  rule({
    code: 'simultaneous-open', severity: 'info', perFlow: simultaneousOpen,
    when: 'both sides sent a SYN',
    title: 'Both sides sent a SYN (simultaneous open)',
  }),
  rule({
    code: 'port-reuse', severity: 'info', perFlow: portReuse,
    when: 'a SYN with a new ISN re-opened a 4-tuple seen earlier',
    title: 'A new connection reused a 4-tuple seen earlier in the capture',
  }),
  rule({
    code: 'options-mismatch', severity: 'info', perFlow: optionsMismatch,
    when: 'the SYN-ACK accepted an option the SYN did not offer, or a value is out of range',
    title: 'The SYN-ACK accepted TCP options the SYN did not offer, or out-of-range values',
  }),
  rule({
    code: 'capture-damaged', severity: 'error', explainsMany: true, atEnd: captureDamaged,
    when: 'the reader stopped at damage in the file',
    title: 'The capture file is damaged; packets after the damage were not read',
  }),
  rule({
    code: 'server-limit', severity: 'info', explainsMany: true, atEnd: serverLimit,
    when: 'more server endpoints than are tracked (MAX_TRACKED_SERVERS) were seen: some flows are in no per-server check',
    title: 'Too many server endpoints (a port scan): per-server checks left some flows out',
  }),
  rule({
    code: 'capture-limits', severity: 'warning', explainsMany: true, atEnd: captureLimits,
    when: 'more than maxLiveFlows flows were live at once and some were finished early',
    title: 'More flows were live at once than maxLiveFlows allows: some were finished early and their later packets not analysed',
  }),
  rule({
    code: 'connection-churn', severity: 'warning', explainsMany: true, inStories: { decide: connectionStorms, describe: churnMessage },
    when: 'a client opens a new connection for (almost) every request',
    title: 'A client opens a new connection for (almost) every request',
  }),
  rule({
    code: 'slow-connect', severity: 'warning', explainsMany: true, inStories: { decide: hangingConnects, describe: slowConnectMessage },
    when: 'connects waited far longer than normal loss recovery explains',
    title: 'Connects waited far longer than normal loss recovery explains',
  }),
  rule({
    code: 'connect-pileup', severity: 'warning', explainsMany: true, inStories: { decide: hangingConnects, describe: pileupMessage },
    when: 'many connects to one target were pending at the same time',
    title: 'Many connects to one target were pending at the same time',
  }),
];

export const FINDING_RULE: Readonly<Record<FindingCode, FindingRule>> =
  Object.freeze(Object.fromEntries(FINDING_RULES.map((r) => [r.code, r])) as Record<FindingCode, FindingRule>);
export const DEFAULT_SEVERITIES: Readonly<Record<FindingCode, Severity>> =
  Object.freeze(Object.fromEntries(FINDING_RULES.map((r) => [r.code, r.severity])) as Record<FindingCode, Severity>);
/** Codes dropped for flows that belong to a flood target's failed attempts. */
export const FLOOD_ABSORBED: ReadonlySet<FindingCode> = new Set(FINDING_RULES.filter((r) => r.floodAbsorbs).map((r) => r.code));
/** The per-flow rules, in registry order (flowFindings.ts). */
export const PER_FLOW_RULES: readonly (FindingRule & { perFlow: PerFlowRule })[] =
  FINDING_RULES.filter((r): r is FindingRule & { perFlow: PerFlowRule } => r.perFlow !== undefined);
