import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

/** One shell command that README tells a reader to type, and the README line it is on. */
export interface ReadmeCommand {
  command: string;
  line: number;
}

// Inline code that is a command (not a file, option or value) starts with one of these words.
const COMMAND_WORDS = /^(?:[A-Z_]+=\S+ )*(?:npm|npx|sudo|bash|kubectl|ssh-keygen|apt-get|node|tsx|git|curl) /;

/**
 * Every command in README: each line of a ```sh block (comments dropped) and every inline code
 * span that starts with a command word.
 */
export function readmeCommands(readme: string): ReadmeCommand[] {
  const commands: ReadmeCommand[] = [];
  let fence: string | undefined;
  readme.split('\n').forEach((text, index) => {
    const line = index + 1;
    const opening = /^```(\S*)/.exec(text);
    if (opening) {
      fence = fence === undefined ? opening[1] : undefined;
      return;
    }
    if (fence === 'sh') {
      const command = text.replace(/\s+#.*$/, '').trim();
      if (command && !command.startsWith('#')) commands.push({ command, line });
      return;
    }
    if (fence !== undefined) return;
    for (const [, span] of text.matchAll(/`([^`]+)`/g)) if (COMMAND_WORDS.test(span)) commands.push({ command: span, line });
  });
  return commands;
}

/** README and the pages of docs/, as paths from the repository's root. */
export const DOCUMENTS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`),
];

/** Every command of README and docs/, with the file and line it is on. */
export function documentedCommands(): Array<ReadmeCommand & { file: string }> {
  return DOCUMENTS.flatMap((file) => readmeCommands(readFileSync(join(ROOT, file), 'utf8')).map((command) => ({ ...command, file })));
}

/** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as '-', repeats numbered. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const [, title] of markdown.replace(/```[\s\S]*?```/g, '').matchAll(/^#{1,6} (.+)$/gm)) {
    const slug = title
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}
