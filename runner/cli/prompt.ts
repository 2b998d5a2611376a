import { createInterface } from 'node:readline';
import { ExitCode, UserError } from '../errors.js';

/**
 * Reads secrets, one per prompt: from the terminal without echo, or one line each from stdin when
 * it is piped (for scripts). Never written anywhere.
 */
export async function readSecrets(prompts: string[]): Promise<string[]> {
  const input = process.stdin;
  if (prompts.length === 0) return [];
  if (!input.isTTY) {
    const answers: string[] = [];
    const lines = createInterface({ input });
    for await (const line of lines) {
      answers.push(line);
      if (answers.length === prompts.length) break;
    }
    lines.close();
    return prompts.map((_, i) => answers[i] ?? '');
  }
  const answers: string[] = [];
  for (const prompt of prompts) answers.push(await readHidden(input, prompt));
  return answers;
}

function readHidden(input: NodeJS.ReadStream, prompt: string): Promise<string> {
  process.stderr.write(prompt);
  input.setRawMode(true);
  input.resume();
  let secret = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n' || char === '\u0004') {
          input.setRawMode(false);
          input.pause();
          input.off('data', onData);
          process.stderr.write('\n');
          resolve(secret);
          return;
        }
        if (char === '\u0003') {
          input.setRawMode(false);
          input.pause();
          input.off('data', onData);
          process.stderr.write('\n');
          reject(new UserError('interrupted at the prompt; nothing ran.', undefined, undefined, ExitCode.Interrupted));
          return;
        }
        secret = char === '\u007f' ? secret.slice(0, -1) : secret + char;
      }
    };
    input.on('data', onData);
  });
}
