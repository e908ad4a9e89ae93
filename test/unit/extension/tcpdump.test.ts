// "synscope: Capture…" runs the real tcpdump: these tests start it on loopback while the kernel
// makes real connections (one completed, one refused), and make it fail the ways users meet:
// not installed (a PATH without it), not allowed (run as `nobody`), no such interface, a bad
// filter. Expected values: what the kernel did (tshark reads the file), and tcpdump's own
// behaviour; nothing here is mocked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer, connect, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeFile } from '../../../src/core/engine/analyzeFile';
import {
  CaptureError, HEADERS_SNAPLEN, TcpdumpProcess, captureArgs, classifyFailure, commandLine, defaultFilter, findTool,
  kernelInterfaces, listInterfaces, parseInterfaceList,
} from '../../../src/extension/tcpdump';

const tcpdump = findTool('tcpdump');
const isRoot = process.getuid?.() === 0;

function tempFile(name: string): { path: string; fd: number; done(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'synscope-tcpdump-'));
  const path = join(dir, name);
  const fd = openSync(path, 'w');
  return { path, fd, done: () => rmSync(dir, { recursive: true, force: true }) };
}

async function startFails(tool: string, opts: Parameters<typeof TcpdumpProcess.start>[1], spawnOptions = {}): Promise<CaptureError> {
  const f = tempFile('x.pcap');
  try {
    await TcpdumpProcess.start(tool, opts, f.fd, spawnOptions);
  } catch (e) {
    assert.ok(e instanceof CaptureError, `a CaptureError, not ${String(e)}`);
    return e;
  } finally {
    closeSync(f.fd);
    f.done();
  }
  assert.fail('tcpdump started');
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

test('the capture command line: headers-only snap length, packets handed over and flushed one by one, raw addresses, to stdout', () => {
  assert.deepEqual(captureArgs({ iface: 'eth0', filter: 'tcp' }), ['-i', 'eth0', '-U', '--immediate-mode', '-n', '-s', '200', '-w', '-', 'tcp']);
  assert.equal(HEADERS_SNAPLEN, 200);
  assert.equal(defaultFilter(undefined), 'tcp');
  assert.equal(defaultFilter('ssh-remote'), 'tcp and not port 22');
  assert.equal(commandLine('/usr/bin/tcpdump', captureArgs({ iface: 'lo', filter: 'tcp and not port 22' }), '/w s/a.pcap'),
    "/usr/bin/tcpdump -i lo -U --immediate-mode -n -s 200 -w - 'tcp and not port 22' > '/w s/a.pcap'");
});

test('where tcpdump is not installed (a PATH without it), starting says so and how to install it', async () => {
  const e = await startFails('tcpdump', { iface: 'lo', filter: 'tcp' }, { env: { PATH: '/nonexistent' } });
  assert.equal(e.kind, 'not-installed');
  assert.match(e.fix, /apt install tcpdump/);
  assert.equal(findTool('tcpdump-that-does-not-exist', { PATH: '/nonexistent' }), null);
});

test('tcpdump is found on PATH', () => {
  // CI installs it (.ci/run); without it the capture command can only say how to install it.
  assert.ok(tcpdump, 'tcpdump is not installed: apt-get install -y tcpdump');
});

test('the interface pick lists the kernel\'s interfaces and "any", not D-Bus or netfilter queues', () => {
  assert.ok(tcpdump);
  const list = listInterfaces(tcpdump).map((i) => i.name);
  const kernel = kernelInterfaces();
  assert.ok(kernel, 'this test runs on Linux');
  assert.ok(list.includes('any') && list.includes('lo'), list.join(', '));
  for (const n of list) assert.ok(n === 'any' || kernel.has(n), `${n} is not a network interface`);
  // As tcpdump 4.99 prints them:
  assert.deepEqual(parseInterfaceList('1.eth0 [Up, Running, Connected]\n2.any (Pseudo-device that captures on all interfaces) [Up, Running]\n3.lo [Up, Running, Loopback]\n4.dbus-system (D-Bus system bus) [none]\n', new Set(['eth0', 'lo'])), [
    { name: 'eth0', detail: 'Up, Running, Connected' },
    { name: 'any', detail: 'Pseudo-device that captures on all interfaces · Up, Running' },
    { name: 'lo', detail: 'Up, Running, Loopback' },
  ]);
});

test('a capture on loopback holds the kernel\'s handshakes (one completed, one refused) and ends as a normal capture file', async () => {
  assert.ok(tcpdump);
  const server = await listen();
  const open = (server.address() as AddressInfo).port;
  // A port nobody listens on: bind one, note it, close it.
  const probe = await listen();
  const closed = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
  const f = tempFile('live.pcap');
  try {
    let capture: TcpdumpProcess;
    try {
      capture = await TcpdumpProcess.start(tcpdump, { iface: 'lo', filter: `tcp and (port ${open} or port ${closed})` }, f.fd);
    } catch (e) {
      // Not root and no capabilities: the one failure allowed here is the permission message.
      assert.ok(!isRoot && e instanceof CaptureError && e.kind === 'permission', String(e));
      return;
    }
    assert.equal(await connectOnce(open), 'connected');
    assert.equal(await connectOnce(closed), 'refused');
    await capture.stop();
    assert.ok(!capture.running);
    closeSync(f.fd);
    f.fd = -1;
    const bytes = readFileSync(f.path);
    // A pcap file (tcpdump -w): magic, and the headers-only snap length in its header.
    assert.equal(bytes.readUInt32LE(0), 0xa1b2c3d4);
    assert.equal(bytes.readUInt32LE(16), HEADERS_SNAPLEN);
    // What tshark reads in it: the kernel's SYNs, the refusal's RST.
    const tshark = spawnSync('tshark', ['-r', f.path, '-T', 'fields', '-e', 'tcp.flags.str', '-e', 'tcp.dstport'], { encoding: 'utf8' });
    if (tshark.status === 0) {
      const lines = tshark.stdout.trim().split('\n');
      assert.ok(lines.some((l) => /S/.test(l.split('\t')[0].replace(/·/g, '')) && l.endsWith(`\t${open}`)), `a SYN to ${open}:\n${tshark.stdout}`);
      assert.ok(lines.some((l) => /R/.test(l.split('\t')[0].replace(/·/g, ''))), `an RST:\n${tshark.stdout}`);
      assert.equal(capture.captured, lines.length, 'tcpdump\'s "N packets captured" is the frames in the file');
    }
    const { result } = await analyzeFile(f.path);
    assert.equal(result.capture.problems.length, 0, JSON.stringify(result.capture.problems));
    assert.equal(result.summary.flows, 2);
    assert.equal(result.summary.handshakesComplete, 1);
    assert.equal(result.summary.refused, 1);
  } finally {
    if (f.fd >= 0) closeSync(f.fd);
    f.done();
    await new Promise((r) => server.close(r));
  }
});

test('tcpdump without the right to capture (run as nobody) gives the setcap and sudo fix', async () => {
  assert.ok(tcpdump);
  // As root, tcpdump runs as nobody; as another user, it runs as that user (no capabilities).
  const e = await startFails(tcpdump, { iface: 'lo', filter: 'tcp' }, isRoot ? { uid: 65534, gid: 65534 } : {});
  assert.equal(e.kind, 'permission', e.message);
  assert.match(e.fix, /setcap cap_net_raw,cap_net_admin=eip /);
  assert.match(e.fix, /sudo/);
});

test('an interface that does not exist, and a filter tcpdump cannot parse, are named as such', async () => {
  assert.ok(tcpdump);
  const noIface = await startFails(tcpdump, { iface: 'nosuch0', filter: 'tcp' });
  assert.equal(noIface.kind, isRoot ? 'no-interface' : 'permission', noIface.message);
  const badFilter = await startFails(tcpdump, { iface: 'lo', filter: 'tcp and (' });
  assert.equal(badFilter.kind, 'bad-filter', badFilter.message);
  assert.match(badFilter.message, /syntax error/);
});

test('a failure tcpdump reports in words we do not know is passed on, first line first', () => {
  const e = classifyFailure('tcpdump: something new went wrong\nmore\n', null, '/usr/bin/tcpdump', 'lo');
  assert.equal(e.kind, 'failed');
  assert.equal(e.message, 'tcpdump stopped: something new went wrong');
});
