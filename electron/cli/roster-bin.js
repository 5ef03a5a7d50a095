#!/usr/bin/env node
// The `roster` command (package.json "bin"). Its code is TypeScript beside this file; this launcher runs it on
// Node 22 or newer (better-sqlite3 13 needs it — see README) through tsx. When the Node running us is older, it
// runs the CLI on the Node 22 that the `node` devDependency installs into node_modules/.bin.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const major = Number(process.versions.node.split('.')[0]);
const bundledNode = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'node.cmd' : 'node');
const nodeBin = major >= 22 ? process.execPath : bundledNode;

if (major < 22 && !existsSync(bundledNode)) {
  console.error(`roster: needs Node 22 or newer (this is ${process.version}); run "npm ci" first to install it into node_modules.`);
  process.exit(1);
}

// Resolved from here, not from the caller's directory, so `roster` works wherever it is started.
const tsxLoader = import.meta.resolve('tsx');
const child = spawn(nodeBin, ['--import', tsxLoader, join(here, 'main.ts'), ...process.argv.slice(2)], {
  stdio: 'inherit',
  cwd: process.cwd(),
});
const forwarded = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const forward = (signal) => child.kill(signal);
for (const signal of forwarded) process.on(signal, forward);
child.on('exit', (code, signal) => {
  if (signal) {
    // Die of the same signal so our caller sees it; our own forwarding handlers would otherwise swallow it.
    for (const name of forwarded) process.off(name, forward);
    process.kill(process.pid, signal);
    return;
  }
  process.exit(code ?? 1);
});
