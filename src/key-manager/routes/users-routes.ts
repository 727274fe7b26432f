/** Users and roles: /keymanager/v1/users, for admins (scope apim:admin). */
import { Type, type Static } from 'typebox';
import type { App } from '../../platform/http-server.js';
import type { KeyManager } from '../key-manager.js';
import { ROLES } from '../scopes.js';
import { requireAnyScope } from '../../platform/auth/bearer.js';
import { localBearerCheck } from './bearer.js';

export const USERS_PATH = '/keymanager/v1/users';

const RoleList = Type.Array(Type.Enum(ROLES), { maxItems: ROLES.length, uniqueItems: true });

export const UserSchema = Type.Object({
  id: Type.String(),
  username: Type.String(),
  roles: RoleList,
  disabled: Type.Boolean(),
  createdTime: Type.Integer(),
  lastUpdatedTime: Type.Integer(),
});

export type User = Static<typeof UserSchema>;

const NewUserSchema = Type.Object(
  { username: Type.String(), password: Type.String(), roles: RoleList },
  { additionalProperties: false },
);

const UserChangesSchema = Type.Object(
  {
    roles: Type.Optional(RoleList),
    disabled: Type.Optional(Type.Boolean()),
    password: Type.Optional(Type.String()),
  },
  { additionalProperties: false, minProperties: 1 },
);

export type NewUser = Static<typeof NewUserSchema>;
export type UserChangesBody = Static<typeof UserChangesSchema>;

const UserListSchema = Type.Object({ count: Type.Integer(), list: Type.Array(UserSchema) });
export type UserList = Static<typeof UserListSchema>;
const Params = Type.Object({ username: Type.String({ maxLength: 64 }) });

export function registerUsersRoutes(app: App, km: KeyManager): void {
  const preHandler = requireAnyScope(localBearerCheck(km), ['apim:admin']);
  app.get(USERS_PATH, { onRequest: preHandler, schema: { response: { 200: UserListSchema } } }, async () => {
    const list = await km.users.list();
    return { count: list.length, list };
  });
  app.post(
    USERS_PATH,
    { onRequest: preHandler, schema: { body: NewUserSchema, response: { 201: UserSchema } } },
    async (request, reply) => {
      const { username, password, roles } = request.body;
      return reply.code(201).send(await km.users.create(username, password, roles));
    },
  );
  app.get(
    `${USERS_PATH}/:username`,
    { onRequest: preHandler, schema: { params: Params, response: { 200: UserSchema } } },
    (request) => km.users.get(request.params.username),
  );
  app.patch(
    `${USERS_PATH}/:username`,
    {
      onRequest: preHandler,
      schema: { params: Params, body: UserChangesSchema, response: { 200: UserSchema } },
    },
    (request) => km.users.update(request.params.username, request.body),
  );
  app.delete(
    `${USERS_PATH}/:username`,
    { onRequest: preHandler, schema: { params: Params } },
    async (request, reply) => {
      await km.users.delete(request.params.username);
      return reply.code(200).send();
    },
  );
}
