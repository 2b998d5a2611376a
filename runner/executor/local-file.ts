import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';

/**
 * Writes a file on the controller as the host-side writes are made: into a temporary file beside
 * it, flushed to disk, then renamed into place. A failed or interrupted write leaves the old file
 * whole and no temporary file behind.
 */
export async function writeLocalFileAtomic(path: string, content: Buffer | string, mode: number): Promise<void> {
  const temp = `${path}.tmp-${randomBytes(6).toString('hex')}`;
  try {
    const file = await open(temp, 'wx', mode);
    try {
      await file.writeFile(content);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
