// The extension inside a real VS Code (1.100 server, extension host on Node): it activates,
// opens captures in its custom editor, publishes the CLI's findings as diagnostics and clears
// them when the capture is closed, registers its commands, and re-analyses on setting changes.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import {
  EXTENSION_ID, VIEW_TYPE, activeCaptureTab, activeReportTab, captures, cliAnalyze, closeAllEditors, diagnosticsFor,
  findingsCovered, repoRoot, until,
} from './helpers';

/**
 * The capture with the most findings (diagnostics on it can't be empty by accident) and the
 * number of findings its Problems entries should stand for (a grouped entry stands for its
 * flows, listed as related information).
 */
async function richestCapture(): Promise<{ uri: vscode.Uri; findings: number }> {
  let best: { uri: vscode.Uri; findings: number } | undefined;
  for (const uri of (await captures()).values()) {
    const n = cliAnalyze(uri.fsPath).findings.length;
    if (!best || n > best.findings) best = { uri, findings: n };
  }
  assert.ok(best && best.findings > 0, 'no sample capture with findings in the workspace');
  const max = vscode.workspace.getConfiguration('synscope').get<number>('maxDiagnostics') ?? Infinity;
  return { uri: best.uri, findings: best.findings <= max ? best.findings : max + 1 };
}

suite('synscope extension', () => {
  teardown(closeAllEditors);

  test('activates', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not installed`);
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  test('registers every contributed command', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    await ext.activate();
    const contributed: { command: string }[] = ext.packageJSON.contributes?.commands ?? [];
    const expected = ['synscope.openCapture', 'synscope.showFlow', 'synscope.reanalyze', 'synscope.exportFindings',
      'synscope.exportDiagram', 'synscope.copyFlowSummary'];
    for (const c of expected) assert.ok(contributed.some((x) => x.command === c), `${c} is not contributed in package.json`);
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const c of contributed) assert.ok(registered.has(c.command), `${c.command} is contributed but not registered`);
  });

  test('opens a capture in the synscope custom editor', async () => {
    const { uri } = await richestCapture();
    await vscode.commands.executeCommand('vscode.openWith', uri, VIEW_TYPE);
    const input = await until(() => activeCaptureTab(uri), `the ${VIEW_TYPE} tab for ${uri.path}`);
    assert.ok(input instanceof vscode.TabInputCustom);
    assert.equal(input.viewType, VIEW_TYPE);
  });

  test('publishes the findings as diagnostics and clears them on close', async () => {
    const { uri, findings } = await richestCapture();
    await vscode.commands.executeCommand('vscode.openWith', uri, VIEW_TYPE);
    const diags = await until(() => {
      const d = diagnosticsFor(uri);
      return findingsCovered(d) === findings ? d : undefined;
    }, `diagnostics standing for the CLI's ${findings} findings on ${uri.path}`);
    assert.ok(diags.length < findings, 'per-flow findings of one target are grouped into one entry');
    for (const d of diags) assert.ok(d.message.length > 0, 'a diagnostic without a message');
    await closeAllEditors();
    await until(() => diagnosticsFor(uri).length === 0, `diagnostics of ${uri.path} cleared after closing it`);
  });

  test('synscope.reanalyze on the open capture publishes the same findings again', async () => {
    const { uri, findings } = await richestCapture();
    await vscode.commands.executeCommand('vscode.openWith', uri, VIEW_TYPE);
    await until(() => findingsCovered(diagnosticsFor(uri)) === findings, 'the first analysis');
    await vscode.commands.executeCommand('synscope.reanalyze');
    await until(() => findingsCovered(diagnosticsFor(uri)) === findings, 'diagnostics after re-analysis');
  });
});

suite('synscope commands with arguments (no dialogs)', () => {
  let capture: vscode.Uri;
  let expected: ReturnType<typeof cliAnalyze>;
  const written: vscode.Uri[] = [];

  suiteSetup(async () => {
    capture = (await richestCapture()).uri;
    expected = cliAnalyze(capture.fsPath);
  });
  setup(async () => {
    await vscode.commands.executeCommand('vscode.openWith', capture, VIEW_TYPE);
    await until(() => diagnosticsFor(capture).length > 0, 'the analysis of the capture');
  });
  teardown(closeAllEditors);
  suiteTeardown(async () => {
    for (const u of written) await vscode.workspace.fs.delete(u).then(undefined, () => undefined);
  });

  const target = (suffix: string): vscode.Uri => {
    const u = vscode.Uri.joinPath(capture, '..', `${capture.path.split('/').pop()}.itest.${suffix}`);
    written.push(u);
    return u;
  };
  const read = async (u: vscode.Uri): Promise<string> => new TextDecoder().decode(await vscode.workspace.fs.readFile(u));

  test('exportFindings writes JSON with the CLI\'s findings', async () => {
    const out = target('json');
    await vscode.commands.executeCommand('synscope.exportFindings', 'json', out);
    const doc = JSON.parse(await read(out));
    assert.equal(doc.schema, 'synscope/1');
    assert.deepEqual(doc.findings.map((f: { code: string }) => f.code), expected.findings.map((f) => f.code));
  });

  test('exportFindings writes SARIF with one result per finding', async () => {
    const out = target('sarif');
    await vscode.commands.executeCommand('synscope.exportFindings', 'sarif', out);
    const doc = JSON.parse(await read(out));
    assert.equal(doc.version, '2.1.0');
    assert.equal(doc.runs[0].results.length, expected.findings.length);
  });

  test('exportFindings writes CSV with a header and one row per finding', async () => {
    const out = target('csv');
    await vscode.commands.executeCommand('synscope.exportFindings', 'csv', out);
    const lines = (await read(out)).split(/\r?\n/).filter((l) => l.length > 0);
    assert.equal(lines.length, expected.findings.length + 1);
  });

  test('exportFlows writes a Parquet file of the synscope-flows/1 schema and a CSV with one row per flow', async () => {
    const out = target('parquet');
    await vscode.commands.executeCommand('synscope.exportFlows', 'parquet', out);
    const bytes = await vscode.workspace.fs.readFile(out);
    const text = new TextDecoder('latin1').decode(bytes);
    // A Parquet file starts and ends with PAR1 (the DuckDB read-back is in the unit tests).
    assert.equal(text.slice(0, 4), 'PAR1');
    assert.equal(text.slice(-4), 'PAR1');
    assert.ok(text.includes('synscope-flows/1'));
    const csv = target('flows.csv');
    await vscode.commands.executeCommand('synscope.exportFlows', 'csv', csv);
    const lines = (await read(csv)).split(/\r?\n/).filter((l) => l.length > 0);
    assert.equal(lines.length, expected.summary.flows + 1);
  });

  test('exportDiagram writes an SVG and a Mermaid diagram of a flow', async () => {
    const flowId = expected.flows[0]!.id;
    const svg = target('svg');
    await vscode.commands.executeCommand('synscope.exportDiagram', flowId, 'svg', svg);
    assert.match(await read(svg), /^<svg[\s>]/);
    const mmd = target('mmd');
    await vscode.commands.executeCommand('synscope.exportDiagram', flowId, 'mermaid', mmd);
    assert.match(await read(mmd), /sequenceDiagram/);
  });

  test('openCapture with a URI opens it in the synscope editor', async () => {
    await closeAllEditors();
    await vscode.commands.executeCommand('synscope.openCapture', capture);
    await until(() => activeCaptureTab(capture), 'the capture tab opened by synscope.openCapture');
  });

  test('showReport opens the findings report, one line per finding', async () => {
    await vscode.commands.executeCommand('synscope.showReport', capture);
    const editor = await until(
      () => vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === 'synscope-report'),
      'a visible synscope-report editor',
    );
    const lines = editor.document.getText().split('\n').filter((l) => /^\s*#\d+\s/.test(l));
    assert.equal(lines.length, expected.findings.length);
  });

  test('copyFlowSummary returns and copies the flow\'s summary', async () => {
    const flowId = expected.flows[0]!.id;
    const text = await vscode.commands.executeCommand<string>('synscope.copyFlowSummary', flowId);
    assert.ok(typeof text === 'string' && text.length > 0, 'no summary text');
  });
});

suite('synscope settings', () => {
  const config = () => vscode.workspace.getConfiguration('synscope');
  teardown(async () => {
    await config().update('slowRttMs', undefined, vscode.ConfigurationTarget.Global);
    await closeAllEditors();
  });

  test('changing synscope.slowRttMs re-analyses the open capture', async () => {
    // A capture where a 1 ms threshold adds slow-handshake findings (per the CLI's --slow-rtt).
    let pick: { uri: vscode.Uri; before: number; after: number } | undefined;
    for (const uri of (await captures()).values()) {
      const before = cliAnalyze(uri.fsPath).findings.length;
      const after = cliAnalyze(uri.fsPath, ['--slow-rtt', '1ms']).findings.length;
      if (after > before && after <= 100) { pick = { uri, before, after }; break; }
    }
    assert.ok(pick, 'no sample where a 1 ms slow-handshake threshold changes the findings');
    const { uri, before, after } = pick;
    await vscode.commands.executeCommand('vscode.openWith', uri, VIEW_TYPE);
    await until(() => findingsCovered(diagnosticsFor(uri)) === before, `${before} findings in Problems with the default threshold`);
    await config().update('slowRttMs', 1, vscode.ConfigurationTarget.Global);
    await until(() => findingsCovered(diagnosticsFor(uri)) === after, `${after} findings in Problems once synscope.slowRttMs = 1`);
    const slow = diagnosticsFor(uri).filter((d) => (typeof d.code === 'object' ? d.code.value : d.code) === 'slow-handshake');
    assert.ok(slow.length > 0, 'no slow-handshake diagnostics after lowering the threshold');
    await config().update('slowRttMs', undefined, vscode.ConfigurationTarget.Global);
    await until(() => findingsCovered(diagnosticsFor(uri)) === before, `back to ${before} findings after resetting the setting`);
  });
});

suite('what the user sees (issue 22)', () => {
  let flood: vscode.Uri;
  let expected: ReturnType<typeof cliAnalyze>;
  suiteSetup(async () => {
    flood = (await captures()).get('syn-flood-cookies.pcap')!;
    assert.ok(flood, 'syn-flood-cookies.pcap is not in the workspace');
    expected = cliAnalyze(flood.fsPath);
  });
  setup(async () => {
    await vscode.commands.executeCommand('vscode.openWith', flood, VIEW_TYPE);
    await until(() => diagnosticsFor(flood).length > 0, 'the analysis of syn-flood-cookies.pcap');
  });
  teardown(closeAllEditors);

  test('a Problems click reaches the capture; clicking the report tab afterwards stays on the report', async () => {
    const [reportUri, diags] = vscode.languages.getDiagnostics().find(([u]) => u.scheme === 'synscope-report' && u.path.includes('syn-flood-cookies'))!;
    const entry = diags.find((d) => (typeof d.code === 'object' ? d.code.value : d.code) === 'slow-handshake')!;
    assert.ok(entry, 'no slow-handshake entry');
    // What the Problems panel does on a click: open the document with the entry's range selected.
    const doc = await vscode.workspace.openTextDocument(reportUri);
    await vscode.window.showTextDocument(doc, { selection: entry.range, preview: false });
    await until(() => activeCaptureTab(flood), 'the capture editor in front after the Problems click');
    // What a click on the report's tab does: show it again with the selection it had.
    await vscode.window.showTextDocument(doc, { preview: false });
    await until(() => activeReportTab(), 'the report tab in front');
    // A worker round trip later the report is still in front (it bounced back before).
    await vscode.commands.executeCommand('synscope.copyWiresharkFilter', 1);
    const sel = vscode.window.visibleTextEditors.find((e) => e.document === doc)?.selection;
    assert.ok(activeReportTab(), `the report tab bounced back to the capture (report selection ${JSON.stringify(sel)})`);
    // The same Problems entry clicked again still reaches the capture.
    await vscode.window.showTextDocument(doc, { selection: entry.range, preview: false });
    await until(() => activeCaptureTab(flood), 'the capture editor in front after the second click on the same entry');
    assert.equal(doc.languageId, 'synscope-report', 'report documents have their own language (word wrap on)');
    assert.equal(vscode.workspace.getConfiguration('editor', { languageId: 'synscope-report' }).get('wordWrap'), 'on');
  });

  test('Copy Wireshark Filter gives the flow\'s tcp.stream (flow N = stream N − 1)', async () => {
    const text = await vscode.commands.executeCommand<string>('synscope.copyWiresharkFilter', 120);
    assert.equal(text, 'tcp.stream eq 119');
  });

  test('the diagram names the packets it does not draw; "every packet" draws them all', async () => {
    const flow = expected.flows[0] as unknown as { id: number; packets: { client: number; server: number } };
    const dir = vscode.Uri.joinPath(flood, '..');
    const out = vscode.Uri.joinPath(dir, 'syn-flood-cookies.itest.svg');
    const all = vscode.Uri.joinPath(dir, 'syn-flood-cookies.itest.every.svg');
    try {
      await vscode.commands.executeCommand('synscope.exportDiagram', flow.id, 'svg', out);
      const svg = new TextDecoder().decode(await vscode.workspace.fs.readFile(out));
      assert.match(svg, /data-testid="omitted" data-count="2" data-frames="6,7"/);
      await vscode.commands.executeCommand('synscope.exportDiagram', flow.id, 'svg', all, true);
      const every = new TextDecoder().decode(await vscode.workspace.fs.readFile(all));
      assert.equal((every.match(/data-testid="arrow"/g) ?? []).length, flow.packets.client + flow.packets.server);
      assert.doesNotMatch(every, /data-testid="omitted"/);
    } finally {
      for (const u of [out, all]) await vscode.workspace.fs.delete(u).then(undefined, () => undefined);
    }
  });

  test('Copy Flow Summary gives time of day, time since capture start and the packets not drawn', async () => {
    const text = await vscode.commands.executeCommand<string>('synscope.copyFlowSummary', 1);
    assert.match(text, /^Start 2026-01-01 00:00:00\.001000 UTC, 0\.000000 s after the capture's first packet/m);
    assert.match(text, /^ {2}⋯ 2 packets not drawn \(frames 6–7\)$/m);
  });

  // synscope: Capture… as code calls it (no dialogs): the command's own path from finding
  // tcpdump to tcpdump's refusal, with the words the user is shown.
  test('Capture where tcpdump is not installed says so and how to install it', async () => {
    const empty = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, '.no-tcpdump-here');
    await vscode.workspace.fs.createDirectory(empty);
    try {
      const r = await vscode.commands.executeCommand<{ error?: string; message?: string; file?: string }>('synscope.capture', {
        iface: 'lo', filter: 'tcp', file: vscode.Uri.joinPath(empty, 'x.pcap').fsPath, searchPath: empty.fsPath,
      });
      assert.equal(r.error, 'not-installed');
      assert.match(r.message ?? '', /tcpdump is not installed.*apt install tcpdump/);
    } finally {
      await vscode.workspace.fs.delete(empty, { recursive: true });
    }
  });

  test('Capture with a filter tcpdump refuses names the filter, leaves no file and opens no editor', async () => {
    const dir = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, '.capture-itest');
    const file = vscode.Uri.joinPath(dir, 'bad-filter.pcap');
    try {
      const r = await vscode.commands.executeCommand<{ error?: string; message?: string }>('synscope.capture', { iface: 'lo', filter: 'tcp and (', file: file.fsPath });
      assert.equal(r.error, 'bad-filter', r.message);
      assert.match(r.message ?? '', /tcpdump refused the filter: .*syntax error/);
      await assert.rejects(Promise.resolve(vscode.workspace.fs.stat(file)));
      assert.equal(activeCaptureTab(file), undefined);
    } finally {
      await vscode.workspace.fs.delete(dir, { recursive: true }).then(undefined, () => undefined);
    }
  });

  test('Open Capture Folder opens a folder of rotated files in the synscope editor, followed, with its findings in Problems', async () => {
    const root = vscode.workspace.workspaceFolders![0]!.uri;
    const dir = vscode.Uri.joinPath(root, '.rotated-itest');
    await vscode.workspace.fs.createDirectory(dir);
    try {
      // One file of a tcpdump -C rotation (trace.pcap, trace.pcap1 …): the refused sample.
      await vscode.workspace.fs.copy(vscode.Uri.joinPath(root, 'refused.pcap'), vscode.Uri.joinPath(dir, 'trace.pcap'));
      await vscode.commands.executeCommand('synscope.openCaptureFolder', dir);
      const input = await until(() => activeCaptureTab(dir), `the ${VIEW_TYPE} tab for the folder`);
      assert.equal(input.viewType, VIEW_TYPE);
      const refused = cliAnalyze(vscode.Uri.joinPath(root, 'refused.pcap').fsPath).findings.filter((f) => f.code === 'refused').length;
      await until(() => {
        const codes = diagnosticsFor(dir).map((d) => (typeof d.code === 'object' ? d.code.value : d.code));
        return codes.includes('refused') ? codes : undefined;
      }, `a refused entry in Problems for the folder (the CLI finds ${refused} refused connects in its file)`);
    } finally {
      await closeAllEditors();
      await vscode.workspace.fs.delete(dir, { recursive: true }).then(undefined, () => undefined);
    }
  });
});

suite('Compare with Baseline (issue 20)', () => {
  teardown(closeAllEditors);

  test('compareWithBaseline with a URI: the CLI diff\'s changed listener, shown as a document beside', async () => {
    // Staged into the workspace by scripts/e2e/run.mjs from test/fixtures/listeners.
    const all = await captures();
    const incident = all.get('listeners-delay.pcap.gz')!;
    const baseline = all.get('listeners-baseline.pcap.gz')!;
    assert.ok(incident && baseline, 'the listener fixtures are in the workspace');
    const r = spawnSync(process.execPath, [join(repoRoot, 'dist', 'cli.js'), 'diff', baseline.fsPath, incident.fsPath, '--format', 'json'], { encoding: 'utf8' });
    const cli = JSON.parse(r.stdout) as { listeners: { server: { ip: string; port: number } }[] };
    await vscode.commands.executeCommand('vscode.openWith', incident, VIEW_TYPE);
    const report = await until(async () => {
      try {
        return await vscode.commands.executeCommand<{ listeners: { server: { ip: string; port: number } }[] }>('synscope.compareWithBaseline', baseline);
      } catch {
        return undefined;
      }
    }, 'the comparison (after the analysis)');
    assert.deepEqual(report.listeners.map((l) => l.server), cli.listeners.map((l) => l.server));
    assert.ok(cli.listeners.length === 1, 'the CLI names one changed listener');
    const shown = await until(() => vscode.workspace.textDocuments.find((d) => d.getText().startsWith('synscope diff')), 'the diff document');
    assert.match(shown.getText(), /198\.51\.100\.11:443/);
  });
});
