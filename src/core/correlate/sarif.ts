/**
 * SARIF 2.1.0 for `correlate`: one result per pair whose verdict says something went wrong
 * between or beyond the points, and one per middlebox entry, located in capture A.
 */
import { pathToUri } from '../output/sarif';
import { correlateDocUrl, MIDDLEBOX_INFO, VERDICT_INFO, type CodeInfo } from './registry';
import type { CorrelateResult, MiddleboxCode, Verdict } from './types';

type Level = 'error' | 'warning' | 'note';

export function correlateSarif(r: CorrelateResult, toolVersion?: string): string {
  const uri = pathToUri(r.a.path);
  const results: { ruleId: string; level: Level; message: { text: string }; properties: object }[] = [];
  for (const p of r.pairs) {
    const info = VERDICT_INFO[p.verdict];
    if (info.level === 'none') continue;
    results.push({
      ruleId: p.verdict, level: info.level,
      message: { text: `${p.client} → ${p.server}: ${info.title}${p.evidence ? ` — ${p.evidence}` : ''}` },
      properties: { pair: p.id, flowA: p.a, flowB: p.b },
    });
  }
  for (const m of r.middleboxes) {
    const info = MIDDLEBOX_INFO[m.code];
    if (info.level === 'none') continue;
    results.push({ ruleId: m.code, level: info.level, message: { text: m.message }, properties: { pairs: m.pairs, count: m.count, details: m.details } });
  }
  const codes = [...new Set(results.map((x) => x.ruleId))].sort();
  const infoOf = (c: string): CodeInfo => (VERDICT_INFO as Record<string, CodeInfo>)[c] ?? MIDDLEBOX_INFO[c as MiddleboxCode];
  const doc = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'synscope correlate', version: toolVersion, informationUri: 'https://github.com/synscope/synscope',
          rules: codes.map((id) => ({ id, shortDescription: { text: infoOf(id).title }, helpUri: correlateDocUrl(id as Verdict | MiddleboxCode) })),
        },
      },
      artifacts: [{ location: { uri }, mimeType: 'application/vnd.tcpdump.pcap' }, { location: { uri: pathToUri(r.b.path) }, mimeType: 'application/vnd.tcpdump.pcap' }],
      results: results.map((x) => ({
        ...x,
        ruleIndex: codes.indexOf(x.ruleId),
        locations: [{ physicalLocation: { artifactLocation: { uri, index: 0 }, region: { startLine: 1 } } }],
      })),
    }],
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
