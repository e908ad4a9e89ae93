/** Worker thread for one comparison: both analyses and the matching, off the extension host. */
import { parentPort } from 'node:worker_threads';
import { correlateFiles } from '../core/correlate/files';
import type { CorrelateRequest, CorrelateWorkerToHost } from '../protocol/correlateMessages';

const port = parentPort;
if (port) {
  const post = (m: CorrelateWorkerToHost): void => port.postMessage(m);
  port.on('message', (m: CorrelateRequest) => {
    if (m.type !== 'correlate') return;
    let last = 0;
    correlateFiles(m.a, m.b, {
      maxPairs: 10000,
      onProgress: (which, p) => {
        const now = Date.now();
        if (now - last < 200) return;
        last = now;
        post({ type: 'progress', which, bytesRead: p.bytesRead, totalBytes: p.totalBytes });
      },
    }).then(({ result }) => post({ type: 'done', result }), (e: unknown) => post({ type: 'failed', message: e instanceof Error ? e.message : String(e) }));
  });
}
