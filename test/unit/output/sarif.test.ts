// SARIF's artifactLocation.uri must be a URI (RFC 3986), not a raw path: viewers resolve it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pathToUri } from '../../../src/core/output/sarif';
import { TMP, runCli, scenarioFile } from '../cli/runCli';

function sarifUris(args: string[]): string[] {
  const r = runCli(['analyze', ...args, '--format', 'sarif']);
  assert.equal(r.code, 0, r.err);
  const sarif = JSON.parse(r.out) as { runs: { artifacts: { location: { uri: string } }[]; results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
  const run = sarif.runs[0];
  return [run.artifacts[0].location.uri, ...run.results.map((x) => x.locations[0].physicalLocation.artifactLocation.uri)];
}

test('a capture name with a space, %, # and non-ASCII is percent-encoded (relative and absolute)', () => {
  mkdirSync(join(TMP, 'dir with space'), { recursive: true });
  const rel = 'dir with space/50% #1 é.pcap';
  copyFileSync(scenarioFile('refused'), join(TMP, rel));
  // By hand from RFC 3986: space %20, % %25, # %23, é (UTF-8 c3 a9) %C3%A9; "/" separates.
  const uris = sarifUris([rel]);
  assert.equal(uris.length, 4);
  for (const u of uris) assert.equal(u, 'dir%20with%20space/50%25%20%231%20%C3%A9.pcap');
  for (const u of sarifUris([join(TMP, rel)])) assert.equal(u, pathToFileURL(join(TMP, rel)).href);
});

test('pathToUri: Windows paths, "?" and a colon that would read as a scheme', () => {
  assert.equal(pathToUri('C:\\caps\\a b.pcap'), 'file:///C:/caps/a%20b.pcap');
  assert.equal(pathToUri('what?.pcap'), 'what%3F.pcap');
  assert.equal(pathToUri('a:b.pcap'), 'a%3Ab.pcap');
  assert.equal(pathToUri('/srv/x.pcap'), pathToFileURL('/srv/x.pcap').href);
  // A capture on a virtual file system, as the extension names it (URI printed unencoded).
  assert.equal(pathToUri('vscode-vfs://github/o/r/a b#1.pcap'), 'vscode-vfs://github/o/r/a%20b%231.pcap');
});
