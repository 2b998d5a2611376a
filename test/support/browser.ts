import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

const ROOT = join(import.meta.dirname, '..', '..');
const ARTIFACTS = join(ROOT, 'test-artifacts');
const README_SHOTS = join(ROOT, 'docs', 'screenshots');

/** Debian's Chromium, headless, with nothing reaching out to the network on its own. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-component-update', '--no-first-run'],
  });
}

/**
 * Keeps a screenshot as a test artifact. README's copy must show what today's code shows, so the
 * text on that screen (timings, sizes in MB and backup times aside) is kept beside it: a run that shows other text returns why,
 * for the test to fail on, until the picture is taken again with UPDATE_SCREENSHOTS=1 (which
 * writes both).
 */
export function saveScreenshot(name: string, png: Buffer, shownText: string): string | undefined {
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(join(ARTIFACTS, name), png);
  const textFile = join(README_SHOTS, name.replace(/\.png$/, '.txt'));
  const text = `${shownText
    .replace(/\b\d+(?:\.\d+)?\s?(?:ms|s)\b/g, '#s')
    .replace(/\b\d+ MB\b/g, '# MB')
    .replace(/\b\d{8}T\d{6}Z\b/g, 'YYYYMMDDTHHMMSSZ')
    .replace(/[ \t]+$/gm, '')
    .trim()}\n`;
  if (process.env.UPDATE_SCREENSHOTS) {
    writeFileSync(join(README_SHOTS, name), png);
    writeFileSync(textFile, text);
    return undefined;
  }
  const kept = existsSync(textFile) ? readFileSync(textFile, 'utf8') : '';
  if (kept === text) return undefined;
  writeFileSync(join(ARTIFACTS, name.replace(/\.png$/, '.txt')), text);
  return `docs/screenshots/${name} shows other text than this run (compare ${textFile} with test-artifacts/): take it again with UPDATE_SCREENSHOTS=1`;
}
