// Builds the console into admin/dist when it is missing or older than its sources. `pnpm start`
// and the end-to-end tests call it, so a fresh clone serves the console it has, never a stale one.
// The sources' digest is kept beside the build: comparing it costs ~50 ms, a build ~15 s.
'use strict';
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const adminDir = path.resolve(__dirname, '..');
const rootDir = path.resolve(adminDir, '..');
const distDir = path.join(adminDir, 'dist');
const digestFile = path.join(distDir, '.sources-digest');
/** What the build reads: the console's code, the shared package, and the API's schema. */
const INPUTS = [
  path.join(adminDir, 'src'),
  path.join(adminDir, 'index.html'),
  path.join(adminDir, 'vite.config.ts'),
  path.join(adminDir, 'package.json'),
  path.join(rootDir, 'shared', 'src'),
  path.join(rootDir, 'schema.graphql'),
];

function addToDigest(hash, file) {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat) return;
  if (stat.isDirectory()) {
    for (const name of fs.readdirSync(file).sort()) addToDigest(hash, path.join(file, name));
    return;
  }
  hash.update(path.relative(rootDir, file)).update('\0').update(fs.readFileSync(file)).update('\0');
}

function sourcesDigest() {
  const hash = crypto.createHash('sha256');
  for (const input of INPUTS) addToDigest(hash, input);
  return hash.digest('hex');
}

/** True when admin/dist holds a build of the sources as they are now. */
function consoleIsCurrent() {
  try {
    return (
      fs.existsSync(path.join(distDir, 'index.html')) &&
      fs.readFileSync(digestFile, 'utf8') === sourcesDigest()
    );
  } catch {
    return false;
  }
}

/** Builds when needed; answers whether it built. `log` gets one line before a build starts. */
function ensureConsoleBuilt(log = (line) => console.log(line)) {
  if (consoleIsCurrent()) return false;
  log('[quetma] building the console (admin/), which is missing or older than its sources…');
  const digest = sourcesDigest();
  const vite = path.join(
    path.dirname(require.resolve('vite/package.json', { paths: [adminDir] })),
    'bin',
    'vite.js',
  );
  execFileSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
    cwd: adminDir,
    stdio: 'inherit',
  });
  fs.writeFileSync(digestFile, digest);
  return true;
}

module.exports = { ensureConsoleBuilt, consoleIsCurrent, distDir };

if (require.main === module) ensureConsoleBuilt();
