// Time until the first flow is available (what a progressive UI can show first): runs the
// reader and the Analyzer in-process, notes when progress().flows first becomes > 0, then
// stops reading. The full analysis is timed separately through the CLI.
import { performance } from 'node:perf_hooks';
import { readCaptureFile } from '../../src/core/capture/readCapture';
import { Analyzer } from '../../src/core/engine/analyzer';

async function main(): Promise<void> {
  const start = performance.now();
  const analyzer = new Analyzer();
  const stop = new AbortController();
  let firstFlowMs: number | null = null;
  await readCaptureFile(process.argv[2], (p) => {
    analyzer.addPacket(p);
    if (firstFlowMs === null && analyzer.progress().flows > 0) {
      firstFlowMs = performance.now() - start;
      stop.abort();
    }
  }, { signal: stop.signal });
  process.stdout.write(JSON.stringify({ firstFlowMs }));
}

void main();
