import { spawn } from 'child_process';

/**
 * A command line split into words the way a shell splits a simple command:
 * blanks separate words, '…' and "…" quote, a backslash escapes the next
 * character. Nothing is expanded and no operator (|, ;, >, `…`, $(…)) has
 * a meaning: such characters are part of the words.
 */
export function splitWords(cmd: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let q: '' | "'" | '"' = '';
  for (let i = 0; i < cmd.length; i++) {
    const c = cmd[i];
    if (q === "'") {
      if (c === "'") q = '';
      else cur += c;
    } else if (q === '"') {
      if (c === '"') q = '';
      else if (c === '\\' && i + 1 < cmd.length && '"\\$`'.includes(cmd[i + 1])) cur += cmd[++i];
      else cur += c;
    } else if (c === "'" || c === '"') {
      q = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < cmd.length) {
      cur += cmd[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) out.push(cur);
  return out;
}

/**
 * EXTERNAL_SCRIPT for a source: the first SRCIP replaced by the address (as
 * psad 2.4.6 does), as an argument list. psad 2.4.6 handed the line to a
 * shell when it contained shell characters; here it never is.
 */
export function extScriptArgv(template: string, src: string): string[] {
  return splitWords(template.replace('SRCIP', src));
}

export interface ExtScriptOptions {
  /** killed (SIGTERM, as psad does) after this long; default 30 s */
  timeoutMs?: number;
  /** scripts waiting at most; more are dropped and logged */
  maxQueue?: number;
  log: (msg: string) => void;
}

/**
 * Runs external scripts one at a time in the background, in the order asked
 * (psad 2.4.6 ran each in the foreground and waited up to 30 s, stopping
 * detection meanwhile). Detection never waits for a script.
 */
export class ExtScriptRunner {
  private queue: string[][] = [];
  private running = false;
  private idleWaiters: (() => void)[] = [];
  /** scripts started (for tests) */
  started = 0;

  constructor(private o: ExtScriptOptions) {}

  reconfigure(o: ExtScriptOptions): void {
    this.o = o;
  }

  run(template: string, src: string): void {
    const argv = extScriptArgv(template, src);
    if (!argv.length) return;
    if (this.queue.length >= (this.o.maxQueue ?? 100)) {
      this.o.log(`external script not run for ${src}: too many scripts waiting`);
      return;
    }
    this.queue.push(argv);
    this.next();
  }

  private next(): void {
    if (this.running) return;
    const argv = this.queue.shift();
    if (!argv) {
      for (const w of this.idleWaiters.splice(0)) w();
      return;
    }
    this.running = true;
    this.started++;
    const done = () => {
      if (!this.running) return;
      this.running = false;
      clearTimeout(t);
      this.next();
    };
    let child;
    try {
      child = spawn(argv[0], argv.slice(1), { stdio: 'ignore' });
    } catch (e) {
      this.o.log(`could not run external script ${argv[0]}: ${(e as Error).message}`);
      this.running = false;
      this.next();
      return;
    }
    const t = setTimeout(() => {
      this.o.log(`external script ${argv[0]} still running after ${Math.round((this.o.timeoutMs ?? 30000) / 1000)} s, stopped`);
      child.kill('SIGTERM');
    }, this.o.timeoutMs ?? 30000);
    child.on('error', (e) => {
      this.o.log(`could not run external script ${argv[0]}: ${e.message}`);
      done();
    });
    child.on('exit', done);
  }

  /** Resolves when no script is waiting or running (or after timeoutMs). */
  idle(timeoutMs = 35000): Promise<void> {
    if (!this.running && !this.queue.length) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(resolve, timeoutMs);
      this.idleWaiters.push(() => { clearTimeout(t); resolve(); });
    });
  }
}
