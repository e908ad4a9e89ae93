/** The diff as a table for people and as SARIF 2.1.0 for code scanning. */
import { columns, endpoint, seconds } from '../output/cells';
import { pathToUri } from '../output/sarif';
import { printableLines } from '../output/printable';
import type { Change, DiffReport, EndpointDiff } from './types';

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

export function describe(c: Change): string {
  switch (c.kind) {
    case 'latency': {
      const what = c.metric === 'serverTime' ? 'server time (SYN→SYN-ACK)' : 'client time (SYN-ACK→ACK)';
      return `${what} ${c.quantile} ${seconds(c.baseline)} → ${seconds(c.incident)} (×${c.ratio.toFixed(2)}, ` +
        `${c.shift >= 0 ? '+' : ''}${seconds(c.shift)}; 95% CI ×${c.ratioCi[0].toFixed(2)}–${c.ratioCi[1].toFixed(2)})`;
    }
    case 'rate':
      return `${c.metric.replace(/Rate$/, ' rate').replace('synDropped', 'SYN dropped')} ${pct(c.baseline)} → ${pct(c.incident)} ` +
        `(${c.delta >= 0 ? '+' : ''}${(c.delta * 100).toFixed(1)} points; 95% CI ${(c.deltaCi[0] * 100).toFixed(1)}…${(c.deltaCi[1] * 100).toFixed(1)})`;
    case 'options':
      return `${c.side} options changed: ${c.fields.map((f) => `${f} ${String(c.baseline[f])} → ${String(c.incident[f])}`).join(', ')}`;
  }
}

export function formatDiffTable(d: DiffReport): string {
  const out: string[] = [`synscope diff — baseline ${d.baseline.path} vs incident ${d.incident.path}`];
  out.push(`${d.compared} listeners compared (${d.tooFew} with fewer than ${d.thresholds.minAttempts} attempts left out), ` +
    `${d.tests} tests at family-wise α ${d.thresholds.alpha}; ${d.regressions} regression${d.regressions === 1 ? '' : 's'}`, '');
  const section = (title: string, list: EndpointDiff[]): void => {
    out.push(`${title} (${list.length})`);
    if (list.length === 0) out.push('  no change');
    for (const e of list) {
      out.push(`  ${endpoint(e.server.ip, e.server.port)}  (${e.baselineAttempts} → ${e.incidentAttempts} attempts)`);
      for (const c of e.changes) out.push(`    ${c.regression ? 'REGRESSION' : 'change    '}  ${describe(c)}`);
    }
    out.push('');
  };
  section('Changed listeners', d.listeners);
  if (d.ports.length > 0) section('Changed ports across servers', d.ports);
  const presence = (title: string, list: DiffReport['newListeners']): void => {
    if (list.length === 0) return;
    out.push(`${title} (${list.length})`);
    out.push(...columns(list.map((l) => [`  ${endpoint(l.server.ip, l.server.port)}`, `${l.attempts} attempts`])), '');
  };
  presence('New listeners', d.newListeners);
  presence('Vanished listeners', d.vanishedListeners);
  if (d.newStories.length > 0) {
    out.push(`New stories (${d.newStories.length})`, ...d.newStories.map((s) => `  ${s.title}`), '');
  }
  return printableLines(`${out.join('\n')}\n`);
}

const RULES = {
  'listener-regression': 'A listener got slower, accepts fewer connections or lost handshake options',
  'listener-change': 'A listener changed without getting worse',
  'listener-vanished': 'A listener of the baseline received no connection attempts in the incident',
  'listener-new': 'A listener received connection attempts only in the incident',
  'new-story': 'The incident tells a story the baseline did not',
} as const;
type Rule = keyof typeof RULES;

export function formatDiffSarif(d: DiffReport, toolVersion?: string): string {
  const uri = pathToUri(d.incident.path);
  const ids = Object.keys(RULES) as Rule[];
  const results: object[] = [];
  const add = (rule: Rule, level: 'error' | 'warning' | 'note', text: string, name: string, properties: object): void => {
    results.push({
      ruleId: rule, ruleIndex: ids.indexOf(rule), level, message: { text },
      locations: [{ physicalLocation: { artifactLocation: { uri, index: 0 }, region: { startLine: 1 } }, logicalLocations: [{ name, kind: 'object' }] }],
      partialFingerprints: { 'synscope-diff/v1': `${rule}:${name}:${text.split(' ')[0]}` },
      properties,
    });
  };
  for (const e of d.listeners) {
    const name = endpoint(e.server.ip, e.server.port);
    for (const c of e.changes) add(c.regression ? 'listener-regression' : 'listener-change', c.regression ? 'warning' : 'note', `${name}: ${describe(c)}`, name, c);
  }
  for (const l of d.vanishedListeners) add('listener-vanished', 'warning', `${endpoint(l.server.ip, l.server.port)} received none of its ${l.attempts} baseline attempts`, endpoint(l.server.ip, l.server.port), l);
  for (const l of d.newListeners) add('listener-new', 'note', `${endpoint(l.server.ip, l.server.port)} is new: ${l.attempts} attempts`, endpoint(l.server.ip, l.server.port), l);
  for (const s of d.newStories) add('new-story', 'note', s.title, s.kind, s);
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'synscope', version: toolVersion, informationUri: 'https://github.com/synscope/synscope', rules: ids.map((id) => ({ id, shortDescription: { text: RULES[id] } })) } },
      artifacts: [{ location: { uri }, mimeType: 'application/vnd.tcpdump.pcap' }],
      results,
    }],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
