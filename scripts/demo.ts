// `npm run demo`: Cellscope in a real VS Code (code-server, from test/e2e's workbench tools) on
// this project's own sources, training by itself. Prints the address to open; Ctrl-C stops.
// The demo's VS Code profile (and so the trained model) lives in .cellscope/demo.

import * as path from 'node:path';
import { installExtension, startCodeServer } from '../test/e2e/workbench';

const ROOT = path.resolve(__dirname, '..');
const PORT = Number(process.env.PORT ?? 8080);

async function main(): Promise<void> {
  const extensions = installExtension();
  const { server, port } = await startCodeServer(ROOT, extensions, {
    'cellscope.training.autoStart': true, 'security.workspace.trust.enabled': false,
  }, { userDataDir: path.join(ROOT, '.cellscope', 'demo'), port: PORT });
  console.log(`\nCellscope demo: open http://127.0.0.1:${port}/?folder=${encodeURIComponent(ROOT)}\n` +
    'Training on this project starts by itself: watch the notification and the status bar (bottom right),\n' +
    'and "Cellscope: Show Log" for samples. Ctrl-C stops the demo (the model so far is kept).');
  process.on('SIGINT', () => server.kill());
  await new Promise((resolve) => server.on('exit', resolve));
}

main().catch((err: Error) => {
  console.error(`demo: ${err.message} (is port ${PORT} taken? set PORT=…)`);
  process.exit(1);
});
