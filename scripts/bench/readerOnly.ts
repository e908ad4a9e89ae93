// The capture reader alone: every packet delivered, nothing decoded.
import { readCaptureFile } from '../../src/core/capture/readCapture';

async function main(): Promise<void> {
  let packets = 0;
  let bytes = 0;
  const summary = await readCaptureFile(process.argv[2], (p) => {
    packets++;
    bytes += p.capLen;
  });
  process.stdout.write(JSON.stringify({ packets, bytes, problems: summary.problems.length }));
}

void main();
