/**
 * Running the capture tool for "synscope: Capture…" — tcpdump, or Wireshark's dumpcap where
 * tcpdump is missing: where it is, which interfaces it offers, the command line, and what its
 * failures mean to the user. Pure Node (no vscode import) so the unit tests run it against the
 * real tools, and against a PATH without them.
 *
 * The tool writes to its stdout (`-w -`), which is a file descriptor the extension host opened
 * on the capture file: the file belongs to the user running VS Code whatever user tcpdump drops
 * its privileges to (Debian's drops to `tcpdump` when started as root), and no path rule of a
 * tcpdump AppArmor profile applies to it. Each packet is written as it is captured (tcpdump
 * `-U`; dumpcap does so by itself), so the editor following the file sees each one at once.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * Bytes kept of each packet: headers only. The largest headers the handshake analysis reads
 * take 142 bytes (Ethernet with two VLAN tags 22, an IPv4 header with options 60, a TCP header
 * with options 60: MSS, window scale, SACK, timestamps, TFO); the rest leaves room for IPv6
 * extension headers, Linux's cooked header on `any` (20) or a tunnel's outer headers (VXLAN:
 * 50). A plain IPv4 packet thus keeps at most ~130 bytes of payload, instead of all of it.
 */
export const HEADERS_SNAPLEN = 200;

/**
 * The default capture filter: every TCP packet. A SYN/FIN/RST-only filter would be smaller, but
 * the ACK that completes a handshake carries no flag a filter can pick out, so every completed
 * handshake would look half-open. Over Remote-SSH the workspace's own SSH connection would be
 * captured too (and grows as the editor updates), so port 22 is left out there.
 */
export function defaultFilter(remoteName: string | undefined): string {
  return remoteName === 'ssh-remote' ? 'tcp and not port 22' : 'tcp';
}

const SBIN = ['/usr/sbin', '/sbin', '/usr/local/sbin'];

/**
 * The tool on PATH, or in the sbin folders a non-root user's PATH often lacks (Debian puts
 * tcpdump in /usr/bin, Fedora and older Debian in /usr/sbin); null when it is nowhere.
 */
export function findTool(name: string, env: NodeJS.ProcessEnv = process.env, extraDirs: readonly string[] = SBIN): string | null {
  const dirs = (env.PATH ?? '').split(delimiter).filter((d) => d !== '');
  for (const extra of extraDirs) if (!dirs.includes(extra)) dirs.push(extra);
  for (const d of dirs) {
    const p = join(d, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return null;
}

export type ToolName = 'tcpdump' | 'dumpcap';

/** A capture tool found on this machine. */
export interface CaptureTool {
  name: ToolName;
  path: string;
}

/** tcpdump, else dumpcap (Wireshark's capture engine, often there without tcpdump); null when neither is. */
export function findCaptureTool(env: NodeJS.ProcessEnv = process.env, extraDirs: readonly string[] = SBIN): CaptureTool | null {
  for (const name of ['tcpdump', 'dumpcap'] as const) {
    const path = findTool(name, env, extraDirs);
    if (path) return { name, path };
  }
  return null;
}

export interface CaptureInterface {
  name: string;
  /** tcpdump's description and flags ("Up, Running, Loopback"), '' when not known. */
  detail: string;
}

/**
 * Parses `tcpdump -D` ("1.eth0 [Up, Running, Connected]", "2.any (Pseudo-device …) [Up,
 * Running]") and `dumpcap -D` ("3. lo (Loopback)"). Only network interfaces are kept (`known`: the kernel's, plus `any`); tcpdump also
 * lists D-Bus, Bluetooth and netfilter queues, which carry no TCP handshakes.
 */
export function parseInterfaceList(out: string, known: ReadonlySet<string> | null): CaptureInterface[] {
  const list: CaptureInterface[] = [];
  for (const line of out.split('\n')) {
    const m = /^\d+\.\s*(\S+)\s*(?:\(([^)]*)\))?\s*(?:\[([^\]]*)\])?/.exec(line.trim());
    if (!m) continue;
    const name = m[1];
    if (known && name !== 'any' && !known.has(name)) continue;
    list.push({ name, detail: [m[2], m[3]].filter((s) => s && s !== 'none').join(' · ') });
  }
  return list;
}

/** The kernel's network interfaces (Linux), or null elsewhere. */
export function kernelInterfaces(): Set<string> | null {
  try {
    return new Set(readdirSync('/sys/class/net'));
  } catch {
    return null;
  }
}

/** Interfaces to offer: the tool's list, or the kernel's when it cannot list them. */
export function listInterfaces(tool: CaptureTool): CaptureInterface[] {
  const known = kernelInterfaces();
  const r = spawnSync(tool.path, ['-D'], { encoding: 'utf8', timeout: 10_000 });
  const listed = r.status === 0 ? parseInterfaceList(r.stdout, known) : [];
  if (listed.length > 0) return listed;
  return known ? ['any', ...[...known].sort()].map((name) => ({ name, detail: '' })) : [{ name: 'any', detail: '' }];
}

export interface CaptureOptions {
  iface: string;
  filter: string;
  snaplen?: number;
}

/**
 * The tool's arguments, to stdout. tcpdump: packets handed over by the kernel as they arrive
 * (--immediate-mode) and written one by one (-U), raw addresses (-n). Without --immediate-mode
 * libpcap (TPACKET_V3) hands packets over in blocks, up to a second late, and on Ctrl+C tcpdump
 * exits without the pending block: a short capture on loopback (8 packets) came out empty.
 * dumpcap: pcap rather than its default pcapng (-P), quiet (-q); it writes each packet by itself.
 */
export function captureArgs(tool: ToolName, o: CaptureOptions): string[] {
  const snap = String(o.snaplen ?? HEADERS_SNAPLEN);
  const filter = o.filter.trim();
  if (tool === 'dumpcap') return ['-i', o.iface, '-q', '-s', snap, '-P', '-w', '-', ...(filter !== '' ? ['-f', filter] : [])];
  return ['-i', o.iface, '-U', '--immediate-mode', '-n', '-s', snap, '-w', '-', ...(filter !== '' ? [filter] : [])];
}

/** The command as a user would type it (shown in messages and docs). */
export function commandLine(tool: string, args: readonly string[], file: string): string {
  const q = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  return `${[tool, ...args].map(q).join(' ')} > ${q(file)}`;
}

export type CaptureErrorKind = 'not-installed' | 'permission' | 'no-interface' | 'bad-filter' | 'failed';

/** A capture that could not start, with what to do about it. */
export class CaptureError extends Error {
  constructor(readonly kind: CaptureErrorKind, message: string, readonly fix: string) {
    super(message);
  }
}

const INSTALL = 'Install it: sudo apt install tcpdump (Debian, Ubuntu), sudo dnf install tcpdump (Fedora, RHEL), sudo apk add tcpdump (Alpine), brew install tcpdump (macOS).';

/** The tool's lines that say what went wrong (not its progress lines), without its name. */
function firstComplaint(text: string, tool: ToolName): string {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const said = lines.find((l) => l.startsWith(`${tool}: `) && !/listening on|verbose output suppressed/.test(l));
  return (said ?? lines.find((l) => !/^Capturing on |^File: /.test(l)) ?? '').replace(`${tool}: `, '');
}

/** What the tool's failure means: its stderr (or the spawn error) → a kind, a message and the fix. */
export function classifyFailure(stderr: string, spawnError: NodeJS.ErrnoException | null, tool: CaptureTool, iface: string): CaptureError {
  const name = tool.name;
  if (spawnError?.code === 'ENOENT') return new CaptureError('not-installed', `${name} is not installed where the workspace is.`, INSTALL);
  if (spawnError) return new CaptureError('failed', `${name} could not be started: ${spawnError.message}`, '');
  const text = stderr.trim();
  const first = firstComplaint(text, name);
  if (/permission|Operation not permitted|EPERM|not permitted/i.test(text)) {
    const group = name === 'dumpcap' ? ' (Debian, Ubuntu: sudo dpkg-reconfigure wireshark-common, then sudo usermod -aG wireshark $USER and log in again)' : '';
    return new CaptureError('permission', `${name} may not capture on ${iface}: ${first}`,
      `Give ${name} the capture capabilities once: sudo setcap cap_net_raw,cap_net_admin=eip ${tool.path}${group} — or run VS Code (or the remote server) as root, or capture yourself with sudo tcpdump -U -w <file> and open the file.`);
  }
  if (/No such device|no device named|doesn't exist|no suitable device|SIOCGIFHWADDR/i.test(text)) {
    return new CaptureError('no-interface', `There is no interface ${iface} to capture on: ${first}`, `Pick another interface (${name} -D lists them).`);
  }
  if (/filter expression|capture filter|syntax error|parse filter|illegal|unknown host/i.test(text)) {
    return new CaptureError('bad-filter', `${name} refused the filter: ${first}`, 'Correct the filter (pcap-filter syntax, as tcpdump takes it), e.g. "tcp port 443".');
  }
  return new CaptureError('failed', `${name} stopped: ${first || 'no message'}`, '');
}

const DUMPCAP_GRACE_MS = 1000;
const TCPDUMP_GRACE_MS = 250;

/** A running capture tool writing into a file descriptor the caller opened. */
export class CaptureProcess {
  private stderr = '';
  /** Packets the tool said it captured, once it has exited (tcpdump "N packets captured", dumpcap "Packets captured: N"). */
  captured: number | null = null;
  readonly exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcess, private readonly tool: ToolName) {
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (s: string) => {
      this.stderr = (this.stderr + s).slice(-8192);
    });
    this.exited = new Promise((resolve) => child.on('close', (code) => {
      const m = /(\d+) packets? captured|Packets captured: (\d+)/.exec(this.stderr);
      if (m) this.captured = Number(m[1] ?? m[2]);
      resolve(code);
    }));
  }

  /**
   * Starts the tool writing to `fd` and resolves once it captures (tcpdump "listening on",
   * dumpcap "File: -": dumpcap says "Capturing on" before it fails too); rejects with a
   * CaptureError when it exits first (missing, not allowed, bad interface or filter).
   * `spawnOptions` lets tests run it as another user (uid/gid) or with another PATH.
   */
  static start(tool: CaptureTool, o: CaptureOptions, fd: number, spawnOptions: { uid?: number; gid?: number; env?: NodeJS.ProcessEnv } = {}): Promise<CaptureProcess> {
    const started = tool.name === 'dumpcap' ? /^File: /m : /listening on /;
    return new Promise((resolve, reject) => {
      let child: ChildProcess;
      try {
        child = spawn(tool.path, captureArgs(tool.name, o), { stdio: ['ignore', fd, 'pipe'], ...spawnOptions });
      } catch (e) {
        reject(classifyFailure('', e as NodeJS.ErrnoException, tool, o.iface));
        return;
      }
      const p = new CaptureProcess(child, tool.name);
      let settled = false;
      child.on('error', (e: NodeJS.ErrnoException) => {
        if (settled) return;
        settled = true;
        reject(classifyFailure('', e, tool, o.iface));
      });
      child.stderr?.on('data', () => {
        if (!settled && started.test(p.stderr)) {
          settled = true;
          resolve(p);
        }
      });
      void p.exited.then(() => {
        if (settled) return;
        settled = true;
        reject(classifyFailure(p.stderr, null, tool, o.iface));
      });
    });
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /**
   * Ends the capture as Ctrl+C does (the tool flushes and closes the file normally). dumpcap
   * has no immediate mode: the kernel hands it packets in blocks (they reached the file ~0.3 s
   * late here) and Ctrl+C drops the pending block, so it gets DUMPCAP_GRACE_MS more first.
   * tcpdump drops what the kernel queued for it but it had not read yet: once, on a machine
   * loaded by two other jobs, a capture stopped right after two loopback connects held none of
   * their packets, so it gets TCPDUMP_GRACE_MS to read them.
   */
  async stop(): Promise<void> {
    if (this.running) await new Promise((r) => setTimeout(r, this.tool === 'dumpcap' ? DUMPCAP_GRACE_MS : TCPDUMP_GRACE_MS));
    if (this.running) this.child.kill('SIGINT');
    await this.exited;
  }

  /** What the tool printed on stderr (its last 8 KiB). */
  get messages(): string {
    return this.stderr;
  }
}

