/**
 * On first start (no users yet) creates `admin` with the password from PORTCULLIS_ADMIN_PASSWORD, or a random
 * one written to `<data dir>/admin-password` (mode 0600). There is no default password.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Conflict } from '../../platform/errors.js';
import type { Logger } from '../../platform/logger.js';
import type { UserService } from './user-service.js';

export interface BootstrapResult {
  /** Where the generated password was written, when one was generated. */
  passwordFile?: string;
}

/** Two Key Managers starting at once on one database may both see no users; the second finds admin made. */
async function createAdmin(users: UserService, password: string): Promise<boolean> {
  try {
    await users.create('admin', password, ['admin']);
    return true;
  } catch (err) {
    if (err instanceof Conflict || (await users.count()) > 0) return false;
    throw err;
  }
}

export async function bootstrapAdmin(
  users: UserService,
  dataDir: string,
  env: NodeJS.ProcessEnv,
  logger: Logger,
): Promise<BootstrapResult> {
  if ((await users.count()) > 0) return {};
  const given = env.PORTCULLIS_ADMIN_PASSWORD;
  if (given) {
    if (await createAdmin(users, given))
      logger.info('created user admin with the password from PORTCULLIS_ADMIN_PASSWORD');
    return {};
  }
  const password = randomBytes(18).toString('base64url');
  const passwordFile = path.join(dataDir, 'admin-password');
  if (!(await createAdmin(users, password))) return {};
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600, flag: 'w' });
  logger.info({ passwordFile }, 'created user admin; its password is in the file named here');
  return { passwordFile };
}
