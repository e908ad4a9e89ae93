// "synscope: Capture…" runs the real tcpdump (or dumpcap where tcpdump is missing): these tests
// start each on loopback while the kernel makes real connections (one completed, one refused),
// and make them fail the ways users meet: not installed (a PATH without them), not allowed (run
// as `nobody`), no such interface, a bad filter. Expected values: what the kernel did (tshark
// reads the file), and the tools' own behaviour; nothing here is mocked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer, connect, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeFile } from '../../../src/core/engine/analyzeFile';
import {
  CaptureError, CaptureProcess, HEADERS_SNAPLEN, captureArgs, classifyFailure, commandLine, defaultFilter, findCaptureTool, findTool,
  kernelInterfaces, listInterfaces, parseInterfaceList, type CaptureTool, type ToolName,
} from '../../../src/extension/captureTool';

const isRoot = process.getuid?.() === 0;
// CI installs both (.ci/run: tcpdump; tshark brings dumpcap).
const TOOLS: CaptureTool[] = (['tcpdump', 'dumpcap'] as ToolName[]).map((name) => ({ name, path: findTool(name) ?? name }));

async function startFails(tool: CaptureTool, opts: Parameters<typeof CaptureProcess.start>[1], spawnOptions = {}): Promise<CaptureError> {
  const dir = mkdtempSync(join(tmpdir(), 'synscope-capture-'));
  const fd = openSync(join(dir, 'x.pcap'), 'w');
  try {
    await CaptureProcess.start(tool, opts, fd, spawnOptions);
  } catch (e) {
    assert.ok(e instanceof CaptureError, `a CaptureError, not ${String(e)}`);
    return e;
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
  assert.fail(`${tool.name} started`);
}

function listen(): Promise<Server> {
  return new Promise((resolve) => {
    const s = createServer((sock) => sock.end('hello\n'));
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
}

/** Connects and waits for the server's data and close (a complete handshake), or for the refusal. */
function connectOnce(port: number): Promise<'connected' | 'refused'> {
  return new Promise((resolve, reject) => {
    const c = connect(port, '127.0.0.1');
    c.on('data', () => undefined);
    c.on('close', () => resolve('connected'));
    c.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNREFUSED' ? resolve('refused') : reject(e)));
  });
}

test('the command lines: headers-only snap length, each packet written as it comes, to stdout', () => {
  assert.deepEqual(captureArgs('tcpdump', { iface: 'eth0', filter: 'tcp' }), ['-i', 'eth0', '-U', '--immediate-mode', '-n', '-s', '200', '-w', '-', 'tcp']);
  assert.deepEqual(captureArgs('dumpcap', { iface: 'eth0', filter: 'tcp' }), ['-i', 'eth0', '-q', '-s', '200', '-P', '-w', '-', '-f', 'tcp']);
  assert.equal(HEADERS_SNAPLEN, 200);
  assert.equal(defaultFilter(undefined), 'tcp');
  assert.equal(defaultFilter('ssh-remote'), 'tcp and not port 22');
  assert.equal(commandLine('/usr/bin/tcpdump', captureArgs('tcpdump', { iface: 'lo', filter: 'tcp and not port 22' }), '/w s/a.pcap'),
    "/usr/bin/tcpdump -i lo -U --immediate-mode -n -s 200 -w - 'tcp and not port 22' > '/w s/a.pcap'");
});

test('where neither tool is installed (a PATH without them), starting says so and how to install tcpdump', async () => {
  assert.equal(findCaptureTool({ PATH: '/nonexistent' }, []), null);
  const e = await startFails({ name: 'tcpdump', path: 'tcpdump' }, { iface: 'lo', filter: 'tcp' }, { env: { PATH: '/nonexistent' } });
  assert.equal(e.kind, 'not-installed');
  assert.match(e.fix, /apt install tcpdump/);
});

test('tcpdump comes first; both tools are found on this machine', () => {
  assert.equal(findCaptureTool()?.name, 'tcpdump', 'tcpdump is not installed: apt-get install -y tcpdump');
  assert.ok(findTool('dumpcap'), 'dumpcap is not installed: apt-get install -y tshark (wireshark-common)');
});

for (const tool of TOOLS) {
  test(`${tool.name}: the interface pick lists the kernel's interfaces and "any", not D-Bus or netfilter queues`, () => {
    const list = listInterfaces(tool).map((i) => i.name);
    const kernel = kernelInterfaces();
    assert.ok(kernel, 'this test runs on Linux');
    assert.ok(list.includes('any') && list.includes('lo'), list.join(', '));
    for (const n of list) assert.ok(n === 'any' || kernel.has(n), `${n} is not a network interface`);
  });

  test(`${tool.name}: a capture on loopback holds the kernel's handshakes (one completed, one refused) and ends as a normal pcap`, async () => {
    const server = await listen();
    const open = (server.address() as AddressInfo).port;
    // A port nobody listens on: bind one, note it, close it.
    const probe = await listen();
    const closed = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const dir = mkdtempSync(join(tmpdir(), 'synscope-capture-'));
    const path = join(dir, 'live.pcap');
    let fd = openSync(path, 'w');
    try {
      let capture: CaptureProcess;
      try {
        capture = await CaptureProcess.start(tool, { iface: 'lo', filter: `tcp and (port ${open} or port ${closed})` }, fd);
      } catch (e) {
        // Not root and no capabilities: the one failure allowed here is the permission message.
        assert.ok(!isRoot && e instanceof CaptureError && e.kind === 'permission', String(e));
        return;
      }
      assert.equal(await connectOnce(open), 'connected');
      assert.equal(await connectOnce(closed), 'refused');
      await capture.stop();
      assert.ok(!capture.running);
      closeSync(fd);
      fd = -1;
      const bytes = readFileSync(path);
      // A pcap file: magic, and the headers-only snap length in its header.
      assert.equal(bytes.readUInt32LE(0), 0xa1b2c3d4);
      assert.equal(bytes.readUInt32LE(16), HEADERS_SNAPLEN);
      // What tshark reads in it: the kernel's SYNs, the refusal's RST.
      const tshark = spawnSync('tshark', ['-r', path, '-T', 'fields', '-e', 'tcp.flags.str', '-e', 'tcp.dstport'], { encoding: 'utf8' });
      assert.equal(tshark.status, 0, `tshark: ${tshark.stderr}`);
      const lines = tshark.stdout.trim().split('\n');
      const flags = (l: string): string => l.split('\t')[0]!.replace(/·/g, '');
      assert.ok(lines.some((l) => /S/.test(flags(l)) && l.endsWith(`\t${open}`)), `a SYN to ${open}:\n${tshark.stdout}`);
      assert.ok(lines.some((l) => /R/.test(flags(l))), `an RST:\n${tshark.stdout}`);
      assert.equal(capture.captured, lines.length, `${tool.name}'s packet count is the frames in the file`);
      const { result } = await analyzeFile(path);
      assert.equal(result.capture.problems.length, 0, JSON.stringify(result.capture.problems));
      assert.equal(result.summary.flows, 2);
      assert.equal(result.summary.handshakesComplete, 1);
      assert.equal(result.summary.refused, 1);
    } finally {
      if (fd >= 0) closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
      await new Promise((r) => server.close(r));
    }
  });

  test(`${tool.name} without the right to capture (run as nobody) gives the setcap and sudo fix`, async () => {
    // As root, the tool runs as nobody; as another user, it runs as that user (no capabilities).
    const e = await startFails(tool, { iface: 'lo', filter: 'tcp' }, isRoot ? { uid: 65534, gid: 65534 } : {});
    assert.equal(e.kind, 'permission', e.message);
    assert.match(e.fix, new RegExp(`setcap cap_net_raw,cap_net_admin=eip ${tool.path}`));
    assert.match(e.fix, /sudo/);
  });

  test(`${tool.name}: an interface that does not exist, and a filter it cannot parse, are named as such`, async () => {
    const noIface = await startFails(tool, { iface: 'nosuch0', filter: 'tcp' });
    assert.equal(noIface.kind, isRoot ? 'no-interface' : 'permission', noIface.message);
    const badFilter = await startFails(tool, { iface: 'lo', filter: 'tcp and (' });
    assert.equal(badFilter.kind, 'bad-filter', badFilter.message);
    assert.match(badFilter.message, /syntax error|Invalid capture filter/);
  });
}

test('interface lists as tcpdump 4.99 and dumpcap 4.0 print them', () => {
  const known = new Set(['eth0', 'lo']);
  assert.deepEqual(parseInterfaceList('1.eth0 [Up, Running, Connected]\n2.any (Pseudo-device that captures on all interfaces) [Up, Running]\n3.lo [Up, Running, Loopback]\n4.dbus-system (D-Bus system bus) [none]\n', known), [
    { name: 'eth0', detail: 'Up, Running, Connected' },
    { name: 'any', detail: 'Pseudo-device that captures on all interfaces · Up, Running' },
    { name: 'lo', detail: 'Up, Running, Loopback' },
  ]);
  assert.deepEqual(parseInterfaceList('1. eth0\n2. any\n3. lo (Loopback)\n9. dbus-system\n', known), [
    { name: 'eth0', detail: '' }, { name: 'any', detail: '' }, { name: 'lo', detail: 'Loopback' },
  ]);
});

test('a failure in words we do not know is passed on, first line first', () => {
  const e = classifyFailure('tcpdump: something new went wrong\nmore\n', null, { name: 'tcpdump', path: '/usr/bin/tcpdump' }, 'lo');
  assert.equal(e.kind, 'failed');
  assert.equal(e.message, 'tcpdump stopped: something new went wrong');
});
