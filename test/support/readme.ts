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
