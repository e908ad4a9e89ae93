// Opening a flow the analysis did not keep packets for (store/rereadFlow.ts): CPU time to read
// the last flow's packets again, entered at its checkpoint (pcap, pcapng) and, in the same run,
// read from the start as a file without checkpoints is (gzip always is).
//   node scripts/bench/reread.mjs <capture>
import { readCaptureFile } from '../../src/core/capture/readCapture';
import { Analyzer } from '../../src/core/engine/analyzer';
import { rereadFlowEvents } from '../../src/core/store/rereadFlow';

async function cpu(run: () => Promise<unknown>): Promise<number> {
  const t = process.cpuUsage();
  await run();
  const d = process.cpuUsage(t);
  return (d.user + d.system) / 1e6;
}

async function main(): Promise<void> {
  const path = process.argv[2];
  const a = new Analyzer({ maxFlows: 10 });
  const read = await readCaptureFile(path, (p) => a.addPacket(p));
  const result = a.finish(read, path, 0);
  const list = a.flowList();
  const flow = list.at(list.length - 1)!;
  const atCheckpoint = await cpu(() => rereadFlowEvents(path, flow, a.config, a.checkpoints));
  const fromStart = await cpu(() => rereadFlowEvents(path, flow, a.config, null));
  process.stdout.write(JSON.stringify({ path, packets: result.capture.packets, flow: flow.id, firstPacket: flow.firstPacket, atCheckpoint, fromStart }) + '\n');
}

void main();
