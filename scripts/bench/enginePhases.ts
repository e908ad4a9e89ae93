// The engine's two phases by CPU time (user + system, this process): reading (Analyzer.addPacket
// for every packet: decoding, flows, sweeps, every flow finished) and finishing (findings,
// stories, listed flows). Prints one JSON line. Run through enginePhases.mjs.
import { readCaptureFile } from '../../src/core/capture/readCapture';
import { Analyzer } from '../../src/core/engine/analyzer';

async function main(): Promise<void> {
  const ms = (c: NodeJS.CpuUsage): number => Math.round((c.user + c.system) / 1000);
  const start = process.cpuUsage();
  const analyzer = new Analyzer({});
  const read = await readCaptureFile(process.argv[2], (p) => analyzer.addPacket(p));
  const readMs = ms(process.cpuUsage(start));
  const result = analyzer.finish(read, process.argv[2]);
  const totalMs = ms(process.cpuUsage(start));
  process.stdout.write(`${JSON.stringify({ readMs, finishMs: totalMs - readMs, totalMs, flows: result.summary.flows })}\n`);
}

void main();
