/**
 * Handing a flow to Wireshark: its display filter, and where the Wireshark GUI is installed.
 * Pure (no vscode import) so unit tests run it against tshark directly.
 *
 * Flow ids and tcp.stream: both number connections in the order of their first packet, and we
 * split a 4-tuple into a new flow exactly where Wireshark starts a new stream (docs/json-output.md),
 * so flow N is tcp.stream N − 1 (Wireshark counts from 0). Checked against tshark 4.0 on every
 * sample and on the 1,050 flows of the 82 shared captures with streams; pinned per sample in
 * test/unit/extension/wireshark.test.ts.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Wireshark's tcp.stream number of a flow. */
export function tcpStreamOf(flowId: number): number {
  return flowId - 1;
}

/** The display filter that selects the flow's packets in Wireshark and tshark. */
export function wiresharkFilter(flowId: number): string {
  return `tcp.stream eq ${tcpStreamOf(flowId)}`;
}

/** Arguments to open a capture in Wireshark filtered to the flow, at the flow's first frame. */
export function wiresharkArgs(capturePath: string, flowId: number, frame: number): string[] {
  return ['-r', capturePath, '-Y', wiresharkFilter(flowId), '-g', String(frame)];
}

/**
 * What the user typed in the flow pick, as a query: "#12" or "12" name flow 12, "tcp.stream eq 11"
 * or "stream 11" name Wireshark's stream 11 (flow 12); anything else is matched against the
 * flows' "ip:port" ends (every whitespace-separated term must occur). A bare number is both
 * a flow id and an address/port term.
 */
export function parseFlowSearch(value: string): { flowId: number | null; text: string } {
  const v = value.trim();
  const stream = /^(?:tcp\.)?stream\s*(?:eq|==|=)?\s*(\d+)$/i.exec(v);
  if (stream) return { flowId: Number(stream[1]) + 1, text: '' };
  const id = /^#\s*(\d+)$/.exec(v);
  if (id) return { flowId: Number(id[1]) > 0 ? Number(id[1]) : null, text: '' };
  if (/^\d+$/.test(v)) return { flowId: Number(v) > 0 ? Number(v) : null, text: v };
  return { flowId: null, text: v };
}

/**
 * The Wireshark GUI, or null. tshark alone does not count: it cannot show a capture. Looks on
 * PATH (`wireshark`, `Wireshark.exe`) and where the installers put it on macOS and Windows.
 */
export function findWireshark(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string | null {
  const names = platform === 'win32' ? ['Wireshark.exe'] : ['wireshark'];
  const dirs = (env.PATH ?? env.Path ?? '').split(delimiter).filter((d) => d !== '');
  const candidates = dirs.flatMap((d) => names.map((n) => join(d, n)));
  if (platform === 'darwin') candidates.push('/Applications/Wireshark.app/Contents/MacOS/Wireshark');
  if (platform === 'win32') {
    for (const base of [env.ProgramFiles, env['ProgramFiles(x86)']]) if (base) candidates.push(join(base, 'Wireshark', 'Wireshark.exe'));
  }
  for (const c of candidates) {
    try {
      accessSync(c, platform === 'win32' ? constants.F_OK : constants.X_OK);
      return c;
    } catch {
      // not here
    }
  }
  return null;
}
