import { createRequire } from 'node:module';
import type { Browser } from 'playwright-core';
import { launchChromium, saveScreenshot } from './browser.js';
import { runCaptured } from './proc.js';

export interface TerminalRun {
  /** Every byte the command wrote to its terminal (colours and cursor moves included). */
  output: string;
  exitCode: number;
}

/**
 * Runs a shell command in a pseudo-terminal of the given size (util-linux's `script`), as a person
 * types it: the program sees a TTY and draws what it draws there.
 */
export async function runInTerminal(command: string, options: { cwd: string; env: NodeJS.ProcessEnv; cols: number; rows: number }): Promise<TerminalRun> {
  const inner = `stty cols ${options.cols} rows ${options.rows}; ${command}`;
  // script copies the terminal's output to its stdout; the typescript file is not needed.
  const run = await runCaptured('script', ['--quiet', '--return', '--log-out', '/dev/null', '--command', inner], {
    cwd: options.cwd,
    env: { ...options.env, TERM: 'xterm-256color' },
    maxBuffer: 256 << 20,
  });
  return { output: run.stdout, exitCode: run.code };
}

/**
 * Plays a terminal's output into xterm.js in the browser and returns the screen a person would see
 * at the end: its text (for assertions) and a PNG.
 */
export async function renderTerminal(browser: Browser, output: string, size: { cols: number; rows: number }): Promise<{ text: string; png: Buffer }> {
  const require = createRequire(import.meta.url);
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  try {
    await page.setContent(
      '<style>body{margin:0;background:#1e1e1e}#term{display:inline-block;padding:12px}.xterm-viewport{overflow:hidden!important}.xterm .scrollbar{display:none!important}</style><div id="term"></div>',
    );
    await page.addStyleTag({ path: require.resolve('@xterm/xterm/css/xterm.css') });
    await page.addScriptTag({ path: require.resolve('@xterm/xterm/lib/xterm.js') });
    const text = await page.evaluate(
      ({ data, cols, rows }) =>
        new Promise<string>((resolve) => {
          const { Terminal } = globalThis as unknown as { Terminal: typeof import('@xterm/xterm').Terminal };
          const term = new Terminal({ cols, rows, convertEol: false, fontSize: 14, theme: { background: '#1e1e1e' } });
          term.open(document.getElementById('term')!);
          term.write(data, () => {
            const buffer = term.buffer.active;
            const lines = [];
            for (let y = buffer.viewportY; y < buffer.viewportY + rows; y++) lines.push(buffer.getLine(y)?.translateToString(true) ?? '');
            resolve(lines.join('\n'));
          });
        }),
      { data: output, ...size },
    );
    const png = await page.locator('#term').screenshot();
    return { text, png };
  } finally {
    await page.close();
  }
}

/**
 * A command run in a person's terminal (120 columns) and pictured at its end: the picture README
 * shows must show what this run shows (timings and sizes aside); `mismatch` says when it does not.
 */
export async function pictureOfTerminal(
  command: string,
  picture: string,
  options: { cwd: string; env: NodeJS.ProcessEnv; rows: number },
): Promise<{ exitCode: number; text: string; mismatch?: string }> {
  const size = { cols: 120, rows: options.rows };
  const run = await runInTerminal(command, { cwd: options.cwd, env: options.env, ...size });
  const browser = await launchChromium();
  try {
    const screen = await renderTerminal(browser, run.output, size);
    return { exitCode: run.exitCode, text: screen.text, mismatch: saveScreenshot(picture, screen.png, screen.text) };
  } finally {
    await browser.close();
  }
}
