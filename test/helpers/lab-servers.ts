/**
 * Small servers for the end-to-end alert tests, run as programs inside a
 * test's network namespace (`ip netns exec NS node lab-servers.js KIND ...`):
 *   smtp HOST PORT DIR        an SMTP server (npm smtp-server) saving each message as DIR/N.eml and its envelope as DIR/N.json
 *   whois HOST PORT FILE      a whois server answering from FILE (JSON: {"<query>": "<base64 answer>", "*": "<base64>"})
 *   ptr HOST PORT FILE        a DNS server answering PTR queries from FILE (JSON: {"<ip>": "<base64 name bytes, labels split on '.'>"})
 * Each prints "ready" once it listens.
 */
import * as fs from 'fs';
import * as net from 'net';
import * as dgram from 'dgram';
import * as path from 'path';
import { SMTPServer } from 'smtp-server';

function smtp(host: string, port: number, dir: string): void {
  let n = 0;
  fs.mkdirSync(dir, { recursive: true });
  const srv = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false, size: 64 << 20,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const id = String(++n).padStart(4, '0');
        fs.writeFileSync(path.join(dir, `${id}.json`), JSON.stringify({
          from: session.envelope.mailFrom && session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((r) => r.address),
        }));
        fs.writeFileSync(path.join(dir, `${id}.eml.tmp`), Buffer.concat(chunks));
        fs.renameSync(path.join(dir, `${id}.eml.tmp`), path.join(dir, `${id}.eml`));
        cb();
      });
    },
  });
  srv.listen(port, host, () => console.log('ready'));
}

function whois(host: string, port: number, file: string): void {
  const answers = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
  const srv = net.createServer((s) => {
    let q = '';
    s.on('data', (d) => {
      q += d.toString('latin1');
      if (!q.includes('\n')) return;
      const key = q.trim();
      fs.appendFileSync(`${file}.queries`, `${key}\n`);
      s.end(Buffer.from(answers[key] ?? answers['*'] ?? '', 'base64'));
    });
    s.on('error', () => undefined);
  });
  srv.listen(port, host, () => console.log('ready'));
}

function ptr(host: string, port: number, file: string): void {
  const names = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
  const sock = dgram.createSocket('udp4');
  sock.on('message', (q, rinfo) => {
    if (q.length < 12) return;
    // the question: labels up to the zero byte, then type and class
    let i = 12;
    const labels: string[] = [];
    while (i < q.length && q[i] !== 0) {
      labels.push(q.toString('latin1', i + 1, i + 1 + q[i]));
      i += 1 + q[i];
    }
    const qEnd = i + 5;
    const qtype = q.readUInt16BE(i + 1);
    const ip = labels.slice(0, 4).reverse().join('.');
    const name = names[ip];
    const head = Buffer.from(q.subarray(0, 12));
    head[2] = 0x84 | (q[2] & 0x01); // response, authoritative, RD copied
    head[3] = name && qtype === 12 ? 0x00 : 0x03; // NOERROR / NXDOMAIN
    head.writeUInt16BE(1, 4);
    head.writeUInt16BE(name && qtype === 12 ? 1 : 0, 6);
    head.writeUInt16BE(0, 8);
    head.writeUInt16BE(0, 10);
    const parts: Buffer[] = [head, q.subarray(12, qEnd)];
    if (name && qtype === 12) {
      const bytes = Buffer.from(name, 'base64');
      const rdata: Buffer[] = [];
      let start = 0;
      for (let k = 0; k <= bytes.length; k++) {
        if (k === bytes.length || bytes[k] === 0x2e) {
          const l = bytes.subarray(start, k);
          rdata.push(Buffer.from([l.length]), l);
          start = k + 1;
        }
      }
      rdata.push(Buffer.from([0]));
      const rd = Buffer.concat(rdata);
      const rr = Buffer.alloc(12);
      rr.writeUInt16BE(0xc00c, 0); // name: pointer to the question
      rr.writeUInt16BE(12, 2);
      rr.writeUInt16BE(1, 4);
      rr.writeUInt32BE(60, 6);
      rr.writeUInt16BE(rd.length, 10);
      parts.push(rr, rd);
    }
    sock.send(Buffer.concat(parts), rinfo.port, rinfo.address);
  });
  sock.bind(port, host, () => console.log('ready'));
}

const [kind, host, port, arg] = process.argv.slice(2);
if (kind === 'smtp') smtp(host, Number(port), arg);
else if (kind === 'whois') whois(host, Number(port), arg);
else if (kind === 'ptr') ptr(host, Number(port), arg);
else {
  process.stderr.write('usage: lab-servers smtp|whois|ptr HOST PORT ARG\n');
  process.exit(2);
}
