import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { Loader } from './frame.js';

/** Templates named by {% include %}/{% import %}: relative to the including file, the main one, then the search path; read fresh each time. */
export function fileLoader(main: string, searchPath: string[]): Loader {
  return (name, from) => {
    const candidates = isAbsolute(name) ? [name] : [...new Set([dirname(from ?? main), dirname(main), ...searchPath])].map((dir) => join(dir, name));
    const file = candidates.find((candidate) => existsSync(candidate));
    return file ? { source: readFileSync(file, 'utf8'), file } : undefined;
  };
}
