// `pnpm start`. In production (NODE_ENV=production) it runs the JavaScript `pnpm build` compiled
// into dist/, with the `compiled` condition so that @quetma/shared resolves to its compiled copy
// too; otherwise it runs the TypeScript sources through swc, as the tests do. It is a separate
// process because a resolution condition can only be given when node starts.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const production = process.env.NODE_ENV === 'production';
const compiledMain = path.join(root, 'dist', 'main.js');
const compiledShared = path.join(root, '..', 'shared', 'dist', 'index.js');

if (production && !(fs.existsSync(compiledMain) && fs.existsSync(compiledShared))) {
  console.error(
    'NODE_ENV=production runs the compiled server, and there is none yet: run `pnpm build` first.',
  );
  process.exit(2);
}
// the console is served from admin/dist: build it first when it is missing or stale (in
// production `pnpm build` built it, and the sources are not expected to change under it)
if (!production && process.env.QUETMA_CONSOLE_BUILD !== 'off') {
  try {
    require('../../admin/scripts/build-console.cjs').ensureConsoleBuilt();
  } catch (error) {
    console.error(
      `[quetma] the console could not be built (${error.message}); the API starts without it`,
    );
  }
}
const args = production
  ? ['--conditions=compiled', compiledMain]
  : ['-r', '@swc-node/register', path.join(root, 'src', 'main.ts')];
const server = spawn(process.execPath, [...process.execArgv, ...args], {
  stdio: 'inherit',
  cwd: root,
});
// the server stops itself on these; pass them on and leave with its exit code
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
