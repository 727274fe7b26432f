/**
 * File access for certificate material: reads whose errors name the file, and atomic writes so that
 * a crash or a concurrent reader never sees half a key.
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';

/** Reads a file the operator configured; a missing or unreadable file is an error naming it. */
export async function readConfiguredFile(file: string, role: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if (isNotFound(error)) throw new Error(`The ${role} file ${file} does not exist`);
    throw new Error(`Cannot read the ${role} file ${file}: ${(error as Error).message}`);
  }
}

/** Reads a file that may legitimately not exist yet; undefined if it does not. */
export async function readOptionalFile(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw new Error(`Cannot read ${file}: ${(error as Error).message}`);
  }
}

/**
 * Writes through a temporary file in the same directory, then renames it over the target.
 * The temporary file is created with `mode` already set, so the content is never readable more widely.
 */
export async function writeFileAtomic(file: string, content: string, mode: number): Promise<void> {
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await open(temp, 'wx', mode);
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw new Error(`Cannot write ${file}: ${(error as Error).message}`);
  }
}

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
