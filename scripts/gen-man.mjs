#!/usr/bin/env node
// Writes man/psad.8, man/kmsgsd.8 and man/psadwatchd.8 from the compiled
// option declarations (dist/src/cli/man-pages.js); part of `npm run build`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { manPageFiles } = require(join(root, 'dist', 'src', 'cli', 'man-pages.js'));
mkdirSync(join(root, 'man'), { recursive: true });
for (const { file, text } of manPageFiles()) writeFileSync(join(root, 'man', file), text);
