// The Parquet export measured on its own (issue 21): a capture analysed once, then every flow
// written as Parquet, timed apart from the analysis, and the size of the JSON that lists every
// flow counted without building it (each flow stringified as writeJson does, one at a time).
import { closeSync, openSync, writeSync } from 'node:fs';
import { analyzeFile } from '../../src/core/engine/analyzeFile';
import { formatJson } from '../../src/core/output/json';
import { writeFlowsParquet } from '../../src/core/output/parquet';

const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

export async function measure(capture: string, out: string): Promise<Record<string, number>> {
  let t = performance.now();
  let c = cpu();
  const { result, analyzer } = await analyzeFile(capture, { maxFlows: 0 }, { listed: 0 });
  const analysis = { wall: (performance.now() - t) / 1000, cpu: cpu() - c };
  const fd = openSync(out, 'w');
  t = performance.now();
  c = cpu();
  const { rows, bytes } = writeFlowsParquet(result, analyzer.flowList(), (b) => {
    for (let off = 0; off < b.length;) off += writeSync(fd, b, off);
  });
  closeSync(fd);
  const parquet = { wall: (performance.now() - t) / 1000, cpu: cpu() - c };
  const rssAfterParquet = process.memoryUsage().rss;
  // The JSON with every flow listed: the result without flows, plus each flow as writeJson
  // writes it inside "flows" (4-space indent, ",\n" between).
  let jsonBytes = Buffer.byteLength(formatJson(result)) - Buffer.byteLength('[]') + Buffer.byteLength('[\n  ]');
  const list = analyzer.flowList();
  for (let i = 0; i < list.length; i++) {
    const s = JSON.stringify([[list.at(i)]], null, 2);
    jsonBytes += Buffer.byteLength(s.slice(5, s.length - 6)) + (i > 0 ? 1 : 0);
  }
  return {
    flows: rows, analysisWall: analysis.wall, analysisCpu: analysis.cpu, parquetWall: parquet.wall, parquetCpu: parquet.cpu,
    parquetBytes: bytes, jsonBytes, rssAfterParquetMiB: rssAfterParquet / 2 ** 20,
  };
}
