/**
 * Running tcpdump for "synscope: Capture…": where it is, which interfaces it offers, the command
 * line, and what its failures mean to the user. Pure Node (no vscode import) so the unit tests
 * run it against the real tcpdump, and against a PATH without it.
 *
 * tcpdump writes to its stdout (`-w -`), which is a file descriptor the extension host opened
 * on the capture file: the file belongs to the user running VS Code whatever user tcpdump drops
 * its privileges to (Debian's drops to `tcpdump` when started as root), and no path rule of a
 * tcpdump AppArmor profile applies to it. `-U` flushes every packet as it is written, so the
 * editor following the file sees each one at once.
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

export interface CaptureInterface {
  name: string;
  /** tcpdump's description and flags ("Up, Running, Loopback"), '' when not known. */
  detail: string;
}

/**
 * Parses `tcpdump -D` ("1.eth0 [Up, Running, Connected]", "2.any (Pseudo-device …) [Up,
 * Running]"). Only network interfaces are kept (`known`: the kernel's, plus `any`); tcpdump also
 * lists D-Bus, Bluetooth and netfilter queues, which carry no TCP handshakes.
 */
export function parseInterfaceList(out: string, known: ReadonlySet<string> | null): CaptureInterface[] {
  const list: CaptureInterface[] = [];
  for (const line of out.split('\n')) {
    const m = /^\d+\.(\S+)\s*(?:\(([^)]*)\))?\s*(?:\[([^\]]*)\])?/.exec(line.trim());
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

/** Interfaces to offer: tcpdump's list, or the kernel's when tcpdump cannot list them. */
export function listInterfaces(tcpdump: string): CaptureInterface[] {
  const known = kernelInterfaces();
  const r = spawnSync(tcpdump, ['-D'], { encoding: 'utf8', timeout: 10_000 });
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
 * tcpdump's arguments: packets handed over by the kernel as they arrive (--immediate-mode) and
 * written one by one (-U), raw addresses (-n), to stdout. Without --immediate-mode libpcap
 * (TPACKET_V3) hands packets over in blocks, up to a second late, and on Ctrl+C tcpdump exits
 * without the pending block: a short capture on loopback (8 packets) came out empty.
 */
export function captureArgs(o: CaptureOptions): string[] {
  const args = ['-i', o.iface, '-U', '--immediate-mode', '-n', '-s', String(o.snaplen ?? HEADERS_SNAPLEN), '-w', '-'];
  if (o.filter.trim() !== '') args.push(o.filter.trim());
  return args;
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

/** What tcpdump's failure means: its stderr (or the spawn error) → a kind, a message and the fix. */
export function classifyFailure(stderr: string, spawnError: NodeJS.ErrnoException | null, tool: string, iface: string): CaptureError {
  if (spawnError?.code === 'ENOENT') return new CaptureError('not-installed', 'tcpdump is not installed where the workspace is.', INSTALL);
  if (spawnError) return new CaptureError('failed', `tcpdump could not be started: ${spawnError.message}`, '');
  const text = stderr.trim();
  const first = text.split('\n').find((l) => /^tcpdump: /.test(l) && !/listening on|verbose output suppressed/.test(l))?.replace(/^tcpdump: /, '') ?? text.split('\n')[0] ?? '';
  if (/permission|Operation not permitted|EPERM|not permitted/i.test(text)) {
    return new CaptureError('permission', `tcpdump may not capture on ${iface}: ${first}`,
      `Give tcpdump the capture capabilities once: sudo setcap cap_net_raw,cap_net_admin=eip ${tool} — or run VS Code (or the remote server) as root, or capture yourself with sudo tcpdump -U -w <file> and open the file.`);
  }
  if (/No such device|doesn't exist|no suitable device|SIOCGIFHWADDR|not found/i.test(text)) {
    return new CaptureError('no-interface', `There is no interface ${iface} to capture on: ${first}`, 'Pick another interface (tcpdump -D lists them).');
  }
  if (/filter expression|syntax error|parse filter|illegal|unknown host/i.test(text)) {
    return new CaptureError('bad-filter', `tcpdump refused the filter: ${first}`, 'Correct the filter (pcap-filter syntax, as tcpdump takes it), e.g. "tcp port 443".');
  }
  return new CaptureError('failed', `tcpdump stopped: ${first || 'no message'}`, '');
}

/** A running tcpdump writing into a file descriptor the caller opened. */
export class TcpdumpProcess {
  private stderr = '';
  /** Packets tcpdump said it captured, once it has exited ("N packets captured"). */
  captured: number | null = null;
  readonly exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcess) {
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (s: string) => {
      this.stderr = (this.stderr + s).slice(-8192);
    });
    this.exited = new Promise((resolve) => child.on('close', (code) => {
      const m = /(\d+) packets? captured/.exec(this.stderr);
      if (m) this.captured = Number(m[1]);
      resolve(code);
    }));
  }

  /**
   * Starts tcpdump writing to `fd` and resolves once it is listening; rejects with a
   * CaptureError when it exits first (missing, not allowed, bad interface or filter).
   * `spawnOptions` lets tests run it as another user (uid/gid) or with another PATH.
   */
  static start(tool: string, o: CaptureOptions, fd: number, spawnOptions: { uid?: number; gid?: number; env?: NodeJS.ProcessEnv } = {}): Promise<TcpdumpProcess> {
    return new Promise((resolve, reject) => {
      let child: ChildProcess;
      try {
        child = spawn(tool, captureArgs(o), { stdio: ['ignore', fd, 'pipe'], ...spawnOptions });
      } catch (e) {
        reject(classifyFailure('', e as NodeJS.ErrnoException, tool, o.iface));
        return;
      }
      const p = new TcpdumpProcess(child);
      let settled = false;
      child.on('error', (e: NodeJS.ErrnoException) => {
        if (settled) return;
        settled = true;
        reject(classifyFailure('', e, tool, o.iface));
      });
      child.stderr?.on('data', () => {
        if (!settled && /listening on /.test(p.stderr)) {
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

  /** Ends the capture as Ctrl+C does (tcpdump flushes and closes the file normally). */
  async stop(): Promise<void> {
    if (this.running) this.child.kill('SIGINT');
    await this.exited;
  }

  /** What tcpdump printed on stderr (its last 8 KiB). */
  get messages(): string {
    return this.stderr;
  }
}

