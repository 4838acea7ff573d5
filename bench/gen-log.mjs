#!/usr/bin/env node
// Writes an N-line iptables log for benchmarks.
//   node bench/gen-log.mjs [--lines N] [--profile realistic|mixed|plain] [--seed S] [--sources K] OUT
// realistic: a firewall host's day (few heavy scanners, many one-off probes);
// mixed: every line form, many source/destination pairs, 2% broken lines;
// plain: well-formed IPv4 SYN scan lines only.
import { createRequire } from 'node:module';
import { openSync, writeSync, closeSync } from 'node:fs';

const require = createRequire(import.meta.url);
const { LogGenerator } = require('../dist/test/helpers/log-gen.js');

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return dflt;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const lines = Number(opt('lines', '1000000'));
const profile = opt('profile', 'realistic');
const seed = Number(opt('seed', '42'));
const sources = Number(opt('sources', String(Math.max(100, Math.floor(lines / 200)))));
const out = args[0];
if (!out || !Number.isInteger(lines) || lines < 1 || !['realistic', 'mixed', 'plain'].includes(profile)) {
  console.error('usage: node bench/gen-log.mjs [--lines N] [--profile realistic|mixed|plain] [--seed S] [--sources K] OUT');
  process.exit(1);
}
const gen = new LogGenerator({
  lines, seed, sources,
  realistic: profile === 'realistic',
  plain: profile === 'plain',
  broken: profile === 'mixed' ? 0.02 : 0,
});
const fd = openSync(out, 'w');
let buf = [];
for (const l of gen.lines()) {
  buf.push(l);
  if (buf.length === 20000) {
    writeSync(fd, Buffer.from(buf.join('\n') + '\n', 'latin1'));
    buf = [];
  }
}
if (buf.length) writeSync(fd, Buffer.from(buf.join('\n') + '\n', 'latin1'));
closeSync(fd);
console.error(`${lines} lines (${profile}, seed ${seed}, ${sources} sources) written to ${out}`);
