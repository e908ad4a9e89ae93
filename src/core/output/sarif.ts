/**
 * SARIF 2.1.0 for code scanning: one rule per finding code (helpUri to docs/findings.md),
 * one result per finding, located in the capture file (the packet number and time are in
 * the result's properties, since a capture has no lines).
 */
import type { AnalysisResult, FindingCode, Severity } from '../engine/result';
import { FINDING_RULE } from '../engine/findings/registry';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

export interface SarifOptions {
  toolVersion?: string;
  /** URI of the capture as it should appear in the report (default: result.capture.path). */
  artifactUri?: string;
}

/**
 * A capture path as a SARIF `artifactLocation.uri` (RFC 3986): an absolute path becomes a
 * `file://` URI, a relative one a relative reference; either way every character outside the
 * unreserved set (space, %, #, ?, non-ASCII) is percent-encoded, so viewers resolve it.
 */
export function pathToUri(path: string): string {
  const p = path.replace(/\\/g, '/');
  const encode = (segments: string): string => segments.split('/').map(encodeURIComponent).join('/');
  // The extension names a capture on a virtual file system by its URI, printed unencoded.
  const remote = /^([a-z][a-z0-9+.-]+:\/\/[^/]*)(\/.*)?$/i.exec(p);
  if (remote) return remote[1] + encode(remote[2] ?? '');
  const drive = /^([A-Za-z]):\//.exec(p);
  if (drive) return `file:///${drive[1]}:/${encode(p.slice(3))}`;
  if (p.startsWith('//')) return `file:${encode(p)}`;
  if (p.startsWith('/')) return `file://${encode(p)}`;
  return encode(p);
}

export function toSarif(result: AnalysisResult, opts: SarifOptions = {}): object {
  const uri = opts.artifactUri ?? pathToUri(result.capture.path);
  const codes = [...new Set(result.findings.map((f) => f.code))].sort() as FindingCode[];
  const ruleIndex = new Map(codes.map((c, i) => [c, i]));
  const severityOf = new Map(result.findings.map((f) => [f.code, f.severity]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'synscope',
          version: opts.toolVersion,
          informationUri: 'https://github.com/synscope/synscope',
          rules: codes.map((code) => ({
            id: code,
            name: code.replace(/(^|-)([a-z])/g, (_m, _d, ch: string) => ch.toUpperCase()),
            shortDescription: { text: FINDING_RULE[code].title },
            helpUri: FINDING_RULE[code].doc,
            help: { text: `${FINDING_RULE[code].title}. See ${FINDING_RULE[code].doc}` },
            defaultConfiguration: { level: LEVEL[severityOf.get(code) ?? 'warning'] },
          })),
        },
      },
      artifacts: [{ location: { uri }, mimeType: 'application/vnd.tcpdump.pcap' }],
      results: result.findings.map((f) => ({
        ruleId: f.code,
        ruleIndex: ruleIndex.get(f.code),
        level: LEVEL[f.severity],
        message: { text: f.message },
        locations: [{
          physicalLocation: { artifactLocation: { uri, index: 0 }, region: { startLine: 1 } },
          logicalLocations: f.flows.slice(0, 10).map((id) => ({ name: `flow ${id}`, kind: 'object' })),
        }],
        partialFingerprints: { 'synscope/v1': `${f.code}:${f.packet}:${f.flows.slice(0, 3).join('.')}` },
        properties: { id: f.id, packet: f.packet, time: f.time, flows: f.flows, details: f.details },
      })),
    }],
  };
}

export function formatSarif(result: AnalysisResult, opts: SarifOptions = {}): string {
  return `${JSON.stringify(toSarif(result, opts), null, 2)}\n`;
}
