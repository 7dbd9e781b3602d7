// A real VS Code workbench for end-to-end tests: code-server (VS Code 1.139, run by Node 24)
// on 127.0.0.1 with a fresh user-data-dir, and Debian's Chromium driven by playwright-core.
// Tools come from .cellscope/e2e-tools (test/e2e/installWorkbench.sh). The helpers act and
// read as a user does: the command palette, the status bar, notifications, screenshots.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';

const ROOT = path.resolve(__dirname, '..', '..');
const TOOLS = path.join(ROOT, '.cellscope', 'e2e-tools');
const NODE24 = path.join(TOOLS, 'node24', 'bin', 'node');
const CODE_SERVER = path.join(TOOLS, 'workbench', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
// What `npm run package` builds: the e2e tests install the .vsix that ships.
const VSIX = path.join(ROOT, 'cellscope.vsix');
export const SCREENSHOTS = path.join(ROOT, '.cellscope', 'e2e-screenshots');

/** Installs the packaged extension (`npm run package`) into a fresh extensions folder. */
export function installExtension(): string {
  for (const tool of [NODE24, CODE_SERVER]) {
    if (!fs.existsSync(tool)) throw new Error(`${tool} is missing: run test/e2e/installWorkbench.sh`);
  }
  if (!fs.existsSync(VSIX)) throw new Error(`${VSIX} is missing: run npm run package`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cellscope-e2e-ext-'));
  const env = { ...process.env, PATH: `${path.dirname(NODE24)}:${process.env.PATH}` };
  execFileSync(NODE24, [CODE_SERVER, '--extensions-dir', path.join(dir, 'extensions'), '--install-extension', VSIX], { env, stdio: 'pipe' });
  return path.join(dir, 'extensions');
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    }).on('error', reject);
  });
}

/** Starts code-server on 127.0.0.1 with a user-data-dir holding these settings; resolves once it listens. */
export async function startCodeServer(folder: string, extensionsDir: string, settings: Record<string, unknown>, at?: { userDataDir?: string; port?: number }) {
  const userDataDir = at?.userDataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cellscope-e2e-data-'));
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off', 'update.mode': 'none',
    'security.workspace.trust.startupPrompt': 'never', 'chat.disableAIFeatures': true, ...settings,
  }));
  const port = at?.port ?? (await freePort());
  const server = spawn(NODE24, [CODE_SERVER, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry',
    '--disable-update-check', '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, folder], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('code-server did not start within 30 s')), 30_000);
    server.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('HTTP server listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    server.on('exit', (code) => reject(new Error(`code-server exited with ${code}`)));
  });
  return { server, port, userDataDir };
}

/** For afterEach: screenshots the workbench of a failed test, then closes it. */
/** A webview body's computed background: it follows the theme. */
export const bodyBackground = (frame: Frame) =>
  frame.locator('body').evaluate((b) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(b).backgroundColor);

export async function closeAfterTest(wb: Workbench | undefined, test: Mocha.Test | undefined): Promise<void> {
  if (wb && test?.state === 'failed') {
    await wb.screenshot(`failed-${test.title.replace(/\W+/g, '-')}`);
    process.stderr.write(`the Cellscope log's last lines:\n${wb.log().trim().split('\n').slice(-20).join('\n')}\n`);
  }
  await wb?.close();
}

export class Workbench {
  private constructor(readonly page: Page, private readonly browser: Browser, private readonly server: ChildProcess, readonly userDataDir: string) {}

  /**
   * Starts code-server on `folder` with these user settings and opens it in Chromium, ready
   * for input. To reopen a workspace with its extension storage, pass the same userDataDir and
   * port: code-server derives the workspace storage folder from the URI, port included.
   */
  static async open(folder: string, extensionsDir: string, settings: Record<string, unknown>, reopen?: { userDataDir: string; port: number }): Promise<Workbench> {
    const { server, port, userDataDir: data } = await startCodeServer(folder, extensionsDir, settings, reopen);
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium', headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    await page.goto(`http://127.0.0.1:${port}/?${folder.endsWith('.code-workspace') ? 'workspace' : 'folder'}=${encodeURIComponent(folder)}`);
    const wb = new Workbench(page, browser, server, data);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    await wb.waitFor('Cellscope in the status bar', async () => /Cellscope/.test(await wb.statusBar()), 60_000);
    return wb;
  }

  runCommand(title: string): Promise<void> {
    return this.pick('F1', title);
  }

  /** The Command Palette's entries for `filter`, as a user sees them listed (then closed again). */
  async paletteEntries(filter: string): Promise<string[]> {
    await this.page.keyboard.press('F1');
    await this.page.waitForSelector('.quick-input-widget input', { state: 'visible' });
    await this.page.keyboard.type(filter);
    await this.page.waitForTimeout(500); // the list filters as it is typed
    const entries = await this.page.locator('.quick-input-list .monaco-list-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? ''));
    await this.page.keyboard.press('Escape');
    return entries;
  }

  /** Answers VS Code's own file dialog (a quick input in a browser workbench) with a full path. */
  async typeInFileDialog(file: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    // Once it has listed its folder (before, it may still reset the path it shows)…
    await this.page.locator('.quick-input-list .monaco-list-row').first().waitFor({ state: 'visible' });
    await this.page.waitForTimeout(300);
    // …set the path at once: the dialog completes what is typed key by key, and would mix its completions in.
    await input.fill(file);
    await this.waitFor(`the file dialog to hold ${file}`, async () => (await input.inputValue()) === file);
    await this.page.waitForTimeout(500); // it checks the path as it changes
    // OK takes the path as typed (Enter would take the list's highlighted row).
    await this.page.locator('.quick-input-widget .monaco-button', { hasText: 'OK' }).click();
  }

  /** Picks the quick-input row that names `label`. */
  async pickQuickInput(label: string): Promise<void> {
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first().click();
  }

  /** The text of the modal dialog shown, '' when none. */
  async dialogText(): Promise<string> {
    return (await this.page.locator('.monaco-dialog-box').allInnerTexts()).join(' | ').replace(/\s+/g, ' ');
  }

  /** Opens a workspace file by name through Quick Open, with the cursor at its end. */
  async openFile(name: string): Promise<void> {
    await this.pick('Control+P', name);
    await this.page.waitForSelector(`.tab.active[aria-label*="${name}"]`);
    await this.page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await this.page.keyboard.press('Control+End');
  }

  /** Opens the quick input with `key`, types `entry` and picks the row it names. */
  private async pick(key: string, entry: string): Promise<void> {
    await this.page.keyboard.press(key);
    await this.page.waitForSelector('.quick-input-widget input', { state: 'visible' });
    await this.page.keyboard.type(entry);
    await this.page.waitForSelector(`.quick-input-list .monaco-list-row[aria-label*="${entry}"]`, { timeout: 10_000 });
    await this.page.keyboard.press('Enter');
  }

  /** The inline suggestion shown in the editor, '' when none. */
  async ghostText(): Promise<string> {
    return (await this.page.locator('.monaco-editor .ghost-text-decoration').allInnerTexts()).join('').replace(/\u00a0/g, ' ');
  }

  /** Waits for a suggestion that stays the same for a second (a newer request can replace one), and returns it. */
  async steadyGhostText(): Promise<string> {
    let last = '', since = Date.now();
    await this.waitFor('a steady ghost-text suggestion', async () => {
      const now = await this.ghostText();
      if (now !== last) [last, since] = [now, Date.now()];
      return now.length > 0 && Date.now() - since >= 1000;
    });
    return last;
  }

  /**
   * The line showing ghost text, read as it would be once accepted: VS Code can show one
   * suggestion in parts around text already there (`c` before an auto-closed `)`, `;` after it).
   */
  async lineWithGhostText(): Promise<string> {
    return (await this.page.locator('.editor-instance .view-line', { has: this.page.locator('.ghost-text-decoration') }).first()
      .evaluate((line) => [...line.querySelectorAll('span > span')].map((span) => span.textContent).join(''))).replace(/\u00a0/g, ' ');
  }

  /** The text of the editor's visible lines, without ghost text. */
  async visibleText(): Promise<string> {
    return (await this.page.locator('.editor-instance .view-line').evaluateAll((lines) => lines.map((line) => [...line.querySelectorAll('span > span')]
      .filter((span) => !span.classList.contains('ghost-text-decoration')).map((span) => span.textContent).join('')).join('\n'))).replace(/\u00a0/g, ' ');
  }

  /** The cursor's place as the status bar shows it: "Ln 29, Col 21". */
  async cursor(): Promise<string> {
    return /Ln \d+, Col \d+/.exec(await this.statusBar())?.[0] ?? '';
  }

  async statusBar(): Promise<string> {
    return (await this.page.locator('.statusbar-item').allInnerTexts()).join(' | ').replace(/\s+/g, ' ');
  }

  async notifications(): Promise<string> {
    return (await this.page.locator('.notifications-toasts .notification-toast').allInnerTexts()).join(' | ').replace(/\s+/g, ' ');
  }

  async clickNotificationButton(label: string): Promise<void> {
    await this.page.locator('.notifications-toasts .notification-toast a.monaco-button', { hasText: label }).first().click();
  }

  /** Polls `check` until true; fails naming `what` and showing the status bar and notifications. */
  async waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if (await check()) return;
      await this.page.waitForTimeout(250);
    }
    throw new Error(`timed out waiting for ${what}; status bar: ${await this.statusBar()}; notifications: ${await this.notifications()}`);
  }

  async screenshot(name: string): Promise<void> {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await this.page.waitForTimeout(600); // let notifications finish sliding in
    await this.page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
  }

  /** The content frame of the webview that holds `selector` (VS Code nests each webview's page in frames). */
  async webviewFrame(what: string, selector: string): Promise<Frame> {
    let found: Frame | undefined;
    await this.waitFor(what, async () => {
      for (const frame of this.page.frames()) if (await frame.locator(selector).count().catch(() => 0)) found = frame;
      return found !== undefined;
    });
    return found!;
  }

  /** Switches the colour theme as a user does: the theme picker (Ctrl+K Ctrl+T), filtered to `theme`. */
  async useTheme(theme: 'Light Modern' | 'Dark Modern'): Promise<void> {
    await this.page.keyboard.press('Control+K');
    await this.page.keyboard.press('Control+T');
    await this.page.waitForSelector('.quick-input-widget input', { state: 'visible' });
    await this.page.keyboard.type(theme);
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: theme }).first().click();
  }

  /** What the Cellscope log channel has written so far (VS Code keeps it in a file). */
  log(): string {
    const logs = path.join(this.userDataDir, 'logs');
    if (!fs.existsSync(logs)) return '';
    return fs.readdirSync(logs).map((session) => path.join(logs, session, 'exthost1', 'cellscope.cellscope', 'Cellscope.log'))
      .filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f, 'utf8')).join('\n');
  }

  /** Files of this name in the workspaces' extension storage of this user-data-dir. */
  storedFiles(name: string): string[] {
    const storage = path.join(this.userDataDir, 'User', 'workspaceStorage');
    if (!fs.existsSync(storage)) return [];
    return fs.readdirSync(storage).map((d) => path.join(storage, d, 'cellscope.cellscope', name)).filter((f) => fs.existsSync(f));
  }

  /** Closes the browser and the server; the user-data-dir stays for a reopening. */
  async close(): Promise<void> {
    await this.browser.close();
    this.server.kill();
    await new Promise((resolve) => (this.server.exitCode !== null ? resolve(null) : this.server.on('exit', resolve)));
  }
}
