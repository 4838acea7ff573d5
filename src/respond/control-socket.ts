import * as fs from 'fs';
import * as net from 'net';
import { parseSocketLine, SocketCmd } from './auto-response';

/** Longest line and most data one connection may send (10,000 blocks fit easily). */
const MAX_LINE = 512;
const MAX_BYTES = 16 * 1024 * 1024;

/**
 * AUTO_IPT_SOCK: the Unix stream socket through which `psad --fw-block-ip`,
 * `--fw-rm-block-ip` and `-F` reach the running daemon. A client writes one
 * command per line and closes; the daemon queues the commands of every
 * connection (psad 2.4.6 serves one connection per loop iteration) and runs
 * them after expiry in the next iteration. Lines that are not commands are
 * counted and logged; a connection that sends too much is cut off.
 */
export class ControlSocket {
  private server: net.Server | null = null;
  private queue: SocketCmd[] = [];

  constructor(private readonly file: string, private readonly log: (m: string) => void, private readonly onCommand: () => void) {}

  listen(): Promise<void> {
    if (fs.existsSync(this.file)) fs.rmSync(this.file, { force: true });
    const old = process.umask(0o077);
    return new Promise((resolve, reject) => {
      const s = net.createServer((c) => this.client(c));
      s.on('error', (e) => {
        process.umask(old);
        reject(e);
      });
      s.listen(this.file, () => {
        process.umask(old);
        try { fs.chmodSync(this.file, 0o600); } catch { /* gone */ }
        resolve();
      });
      s.unref();
      this.server = s;
    });
  }

  private client(c: net.Socket): void {
    let buf = '';
    let bytes = 0;
    let bad = 0;
    const lines: string[] = [];
    c.setEncoding('latin1');
    c.on('data', (d: string) => {
      bytes += d.length;
      if (bytes > MAX_BYTES) {
        this.log(`control socket: a client sent more than ${MAX_BYTES} bytes; connection closed, its commands dropped`);
        c.destroy();
        lines.length = 0;
        return;
      }
      buf += d;
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        lines.push(buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
      if (buf.length > MAX_LINE) {
        bad++;
        buf = '';
      }
    });
    c.on('error', () => undefined);
    c.on('end', () => {
      if (buf) lines.push(buf);
      const seen = new Set<string>();
      const cmds: SocketCmd[] = [];
      for (const l of lines) {
        if (seen.has(l)) continue;
        seen.add(l);
        if (l.length > MAX_LINE) {
          bad++;
          continue;
        }
        const cmd = parseSocketLine(l);
        if (cmd) cmds.push(cmd);
        else if (l.trim()) bad++;
      }
      if (bad) this.log(`control socket: ignored ${bad} line(s) that are not add/del/flush commands with a valid address`);
      this.queue.push(...cmds);
      c.end();
      if (cmds.length) this.onCommand();
    });
  }

  /** The commands received since the last call. */
  take(): SocketCmd[] {
    const q = this.queue;
    this.queue = [];
    return q;
  }

  close(): void {
    this.server?.close();
    this.server = null;
    try { fs.rmSync(this.file, { force: true }); } catch { /* fine */ }
  }
}

/** Writes command lines to the daemon's socket; resolves when the daemon has them. */
export function sendCommands(file: string, lines: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = net.createConnection(file);
    c.on('error', reject);
    c.on('connect', () => {
      c.end(lines.map((l) => `${l}\n`).join(''));
    });
    c.on('close', () => resolve());
    c.resume();
  });
}
