import { spawn } from 'child_process';

export interface MailerOptions {
  /** the mail(1) command path (mailCmd) */
  mailCmd: string;
  /** EMAIL_ADDRESSES */
  addresses: string;
  /** EMAIL_APPEND_HEADER ("NONE" for none): extra arguments before -s */
  appendHeader: string;
  enabled: boolean;
  /** where failures are reported */
  onError: (msg: string) => void;
}

/** Addresses as psad passes them: split on blanks (a "a,b" word stays one argument, Q10). */
export function addressArgs(addresses: string): string[] {
  return addresses.split(/\s+/).filter((a) => a.length);
}

/**
 * Mail through the mail command with an argument list (psad 2.4.6 runs a
 * shell command line with the subject inside double quotes, so a reverse
 * DNS name could run commands). The body goes to the command's stdin; a
 * failure is reported, never thrown, and never blocks detection.
 */
export class Mailer {
  private pending = 0;

  constructor(private o: MailerOptions) {}

  reconfigure(o: MailerOptions): void {
    this.o = o;
  }

  send(subject: string, body: string): void {
    if (!this.o.enabled) return;
    const args: string[] = [];
    if (this.o.appendHeader !== 'NONE') args.push(...this.o.appendHeader.split(/\s+/).filter((x) => x));
    // a subject is one line: control characters could start new headers
    args.push('-s', subject.replace(/[\x00-\x1f\x7f]+/g, ' '), ...addressArgs(this.o.addresses));
    let child;
    try {
      child = spawn(this.o.mailCmd, args, { stdio: ['pipe', 'ignore', 'ignore'] });
    } catch (e) {
      this.o.onError(`could not run ${this.o.mailCmd}: ${(e as Error).message}`);
      return;
    }
    this.pending++;
    child.on('error', (e) => this.o.onError(`could not run ${this.o.mailCmd}: ${e.message}`));
    child.on('close', (code) => {
      this.pending--;
      if (code) this.o.onError(`${this.o.mailCmd} exited with status ${code} sending "${subject}"`);
    });
    child.stdin!.on('error', () => undefined);
    child.stdin!.end(Buffer.from(body, 'latin1'));
  }

  /** Resolves when every mail handed over so far has been passed to the mail command. */
  async idle(timeoutMs = 30000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (this.pending > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  }
}
