/** Users and their roles: creation, authentication (throttled), changes that revoke tokens and notify. */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { EventHub } from '../../events/hub.js';
import { USER_UPDATED, type UserUpdated } from '../../events/key-manager-events.js';
import { newEvent } from '../../events/topics.js';
import { BadRequest, Conflict, NotFound, TooManyRequests } from '../../platform/errors.js';
import type { Logger } from '../../platform/logger.js';
import type { Tables } from '../../store/tables.js';
import { isUniqueViolation } from '../../store/constraint-violations.js';
import type { Revocations } from '../revocations.js';
import { ROLES, type Role } from '../scopes.js';
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from '../secrets.js';
import { LoginThrottle } from './login-throttle.js';

export interface UserView {
  id: string;
  username: string;
  roles: Role[];
  disabled: boolean;
  createdTime: number;
  lastUpdatedTime: number;
}

export interface UserChanges {
  roles?: string[];
  disabled?: boolean;
  password?: string;
}

const USERNAME = /^[A-Za-z0-9._@-]{3,64}$/;
const MIN_PASSWORD = 8;
const MAX_PASSWORD = 256;

function checkUsername(username: string): void {
  if (!USERNAME.test(username)) {
    throw new BadRequest('username must be 3 to 64 characters: letters, digits, ".", "_", "@" or "-".');
  }
}

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD || password.length > MAX_PASSWORD) {
    throw new BadRequest(`password must be ${MIN_PASSWORD} to ${MAX_PASSWORD} characters long.`);
  }
}

function checkRoles(roles: string[]): Role[] {
  const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (unknown.length > 0)
    throw new BadRequest(`unknown roles ${unknown.join(', ')}; roles are ${ROLES.join(', ')}.`);
  return [...new Set(roles)] as Role[];
}

export class UserService {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly hub: EventHub,
    private readonly revocations: Revocations,
    private readonly throttle: LoginThrottle,
    private readonly logger: Logger,
  ) {}

  async create(username: string, password: string, roles: string[]): Promise<UserView> {
    checkUsername(username);
    checkPassword(password);
    const valid = checkRoles(roles);
    if (await this.#find(username)) throw new Conflict(`a user named "${username}" already exists.`);
    const retired = await this.db
      .selectFrom('retired_usernames')
      .select('username')
      .where('username', '=', username)
      .executeTakeFirst();
    if (retired) {
      throw new Conflict(`the name "${username}" belonged to a deleted user and cannot be used again.`);
    }
    const now = Date.now();
    const id = randomUUID();
    const passwordHash = await hashPassword(password);
    await this.db
      .transaction()
      .execute(async (trx) => {
        await trx
          .insertInto('users')
          .values({
            id,
            username,
            password_hash: passwordHash,
            disabled: 0,
            created_at: now,
            updated_at: now,
          })
          .execute();
        if (valid.length > 0) {
          await trx
            .insertInto('user_roles')
            .values(valid.map((role) => ({ user_id: id, role })))
            .execute();
        }
      })
      .catch((err: unknown) => {
        if (isUniqueViolation(err)) throw new Conflict(`a user named "${username}" already exists.`);
        throw err;
      });
    return this.get(username);
  }

  async get(username: string): Promise<UserView> {
    const user = await this.#find(username);
    if (!user) throw new NotFound(`no user named "${username}".`);
    return user;
  }

  async list(): Promise<UserView[]> {
    const users = await this.db.selectFrom('users').selectAll().orderBy('username').execute();
    const roles = await this.db.selectFrom('user_roles').selectAll().execute();
    return users.map((u) => ({
      id: u.id,
      username: u.username,
      roles: roles.filter((r) => r.user_id === u.id).map((r) => r.role as Role),
      disabled: u.disabled === 1,
      createdTime: u.created_at,
      lastUpdatedTime: u.updated_at,
    }));
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** Changes roles, disabled state or password. Role changes and disabling revoke the user's tokens. */
  async update(username: string, changes: UserChanges): Promise<UserView> {
    const before = await this.get(username);
    const roles = changes.roles ? checkRoles(changes.roles) : undefined;
    if (changes.password !== undefined) checkPassword(changes.password);
    const passwordHash = changes.password !== undefined ? await hashPassword(changes.password) : undefined;
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('users')
        .set({
          updated_at: Date.now(),
          ...(changes.disabled !== undefined ? { disabled: changes.disabled ? 1 : 0 } : {}),
          ...(passwordHash ? { password_hash: passwordHash } : {}),
        })
        .where('id', '=', before.id)
        .execute();
      if (roles) {
        await trx.deleteFrom('user_roles').where('user_id', '=', before.id).execute();
        if (roles.length > 0) {
          await trx
            .insertInto('user_roles')
            .values(roles.map((role) => ({ user_id: before.id, role })))
            .execute();
        }
      }
    });
    const after = await this.get(username);
    const rolesChanged =
      roles !== undefined && [...before.roles].sort().join() !== [...after.roles].sort().join();
    const change: UserUpdated['change'] | undefined =
      changes.disabled === true && !before.disabled
        ? 'disabled'
        : changes.disabled === false && before.disabled
          ? 'enabled'
          : rolesChanged
            ? 'roles'
            : undefined;
    // A new password ends every session too: tokens obtained with the old one must not outlive it.
    if (change === 'disabled' || change === 'roles' || passwordHash)
      await this.revocations.revokeUser(username);
    if (change) this.#notify({ username, change, roles: after.roles });
    return after;
  }

  /**
   * Deletes the user and the clients they own, and retires the name: what other components keep under it
   * (applications, subscriptions) must never pass to a new user of the same name.
   */
  async delete(username: string): Promise<void> {
    const user = await this.get(username);
    await this.revocations.revokeUser(username);
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('oauth_clients').where('owner', '=', username).execute();
      await trx.deleteFrom('users').where('id', '=', user.id).execute();
      await trx
        .insertInto('retired_usernames')
        .values({ username, retired_at: Date.now() })
        .onConflict((oc) => oc.column('username').doNothing())
        .execute();
    });
    this.#notify({ username, change: 'deleted', roles: [] });
  }

  /**
   * Checks a password. Returns the user, or undefined for wrong credentials or a disabled user
   * (the caller cannot tell which). Throws TooManyRequests while the user or IP is locked out.
   */
  async authenticate(username: string, password: string, ip: string): Promise<UserView | undefined> {
    // Names and passwords that cannot exist are refused before any database, scrypt or log work.
    if (!USERNAME.test(username) || password.length > MAX_PASSWORD) return undefined;
    const keys = LoginThrottle.keys(username, ip);
    const waitMs = await this.throttle.attempt(keys);
    if (waitMs > 0) {
      throw new TooManyRequests('Too many failed logins; try again later.', Math.ceil(waitMs / 1000));
    }
    const row = await this.db
      .selectFrom('users')
      .select(['password_hash', 'disabled'])
      .where('username', '=', username)
      .executeTakeFirst();
    // Spend the same time on unknown users, so that timing does not tell which names exist.
    const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_PASSWORD_HASH);
    if (!row || !ok || row.disabled === 1) {
      this.logger.info({ username, ip }, 'failed login');
      return undefined;
    }
    await this.throttle.succeeded(keys);
    return this.get(username);
  }

  /** The roles of an enabled user, or undefined if the user no longer exists or is disabled. */
  async activeRoles(username: string): Promise<Role[] | undefined> {
    // One query: it runs on every client_credentials and refresh request.
    const rows = await this.db
      .selectFrom('users')
      .leftJoin('user_roles', 'user_roles.user_id', 'users.id')
      .select('user_roles.role')
      .where('users.username', '=', username)
      .where('users.disabled', '=', 0)
      .execute();
    if (rows.length === 0) return undefined;
    return rows.flatMap((r) => (r.role ? [r.role as Role] : []));
  }

  async #find(username: string): Promise<UserView | undefined> {
    const user = await this.db
      .selectFrom('users')
      .selectAll()
      .where('username', '=', username)
      .executeTakeFirst();
    if (!user) return undefined;
    const roles = await this.db
      .selectFrom('user_roles')
      .select('role')
      .where('user_id', '=', user.id)
      .execute();
    return {
      id: user.id,
      username: user.username,
      roles: roles.map((r) => r.role as Role),
      disabled: user.disabled === 1,
      createdTime: user.created_at,
      lastUpdatedTime: user.updated_at,
    };
  }

  /** Not awaited, like revocations: a broker outage must not hold up the admin's request. */
  #notify(payload: UserUpdated): void {
    void this.hub.publish('notification', newEvent(USER_UPDATED, payload)).catch((err: unknown) => {
      this.logger.error({ err, username: payload.username }, 'could not publish a user change event');
    });
  }
}
