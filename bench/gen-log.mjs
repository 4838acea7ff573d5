#!/usr/bin/env node
// Writes an N-line iptables log for benchmarks.
//   node bench/gen-log.mjs [--lines N] [--profile realistic|mixed|plain] [--seed S] [--sources K] OUT
//   node bench/gen-log.mjs --help
// realistic: a firewall host's day (few heavy scanners, many one-off probes);
// mixed: every line form, many source/destination pairs, 2% broken lines;
// plain: well-formed IPv4 SYN scan lines only.
import { createRequire } from 'node:module';
import { openSync, writeSync, closeSync } from 'node:fs';
import { parseArgs } from 'node:util';

const USAGE = `usage: node bench/gen-log.mjs [--lines N] [--profile realistic|mixed|plain] [--seed S] [--sources K] OUT
  --lines N     lines to write (default 1000000)
  --profile P   realistic (default), mixed or plain
  --seed S      seed of the generator (default 42): the same seed gives the same file
  --sources K   scanning sources (default lines/200, at least 100)
  -h, --help    this text
`;

function fail(msg) {
  process.stderr.write(`gen-log: ${msg}\n${USAGE}`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    options: {
      lines: { type: 'string', default: '1000000' },
      profile: { type: 'string', default: 'realistic' },
      seed: { type: 'string', default: '42' },
      sources: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
} catch (e) {
  fail(e.message);
}
if (parsed.values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const int = (name, v, min = 1) => {
  if (!/^\d+$/.test(v) || Number(v) < min) fail(`--${name} must be an integer >= ${min}, not "${v}"`);
  return Number(v);
};
const lines = int('lines', parsed.values.lines);
const profile = parsed.values.profile;
if (!['realistic', 'mixed', 'plain'].includes(profile)) fail(`--profile must be realistic, mixed or plain, not "${profile}"`);
const seed = int('seed', parsed.values.seed, 0);
const sources = parsed.values.sources === undefined ? Math.max(100, Math.floor(lines / 200)) : int('sources', parsed.values.sources);
if (parsed.positionals.length !== 1) fail(parsed.positionals.length ? `one output file, not ${parsed.positionals.length}` : 'the output file is missing');
const out = parsed.positionals[0];
const require = createRequire(import.meta.url);
const { LogGenerator } = require('../dist/test/helpers/log-gen.js');
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
