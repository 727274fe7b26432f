/** Users and roles: /keymanager/v1/users, for admins (scope apim:admin). */
import { Type } from 'typebox';
import type { App } from '../../platform/http-server.js';
import type { KeyManager } from '../key-manager.js';
import { ROLES } from '../scopes.js';
import { requireAnyScope } from '../../platform/auth/bearer.js';
import { localBearerCheck } from './bearer.js';

const BASE = '/keymanager/v1/users';

const RoleList = Type.Array(Type.Enum(ROLES), { maxItems: ROLES.length, uniqueItems: true });

export const UserSchema = Type.Object({
  id: Type.String(),
  username: Type.String(),
  roles: RoleList,
  disabled: Type.Boolean(),
  createdTime: Type.Integer(),
  lastUpdatedTime: Type.Integer(),
});

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

const UserListSchema = Type.Object({ count: Type.Integer(), list: Type.Array(UserSchema) });
const Params = Type.Object({ username: Type.String({ maxLength: 64 }) });

export function registerUsersRoutes(app: App, km: KeyManager): void {
  const preHandler = requireAnyScope(localBearerCheck(km), ['apim:admin']);
  app.get(BASE, { onRequest: preHandler, schema: { response: { 200: UserListSchema } } }, async () => {
    const list = await km.users.list();
    return { count: list.length, list };
  });
  app.post(
    BASE,
    { onRequest: preHandler, schema: { body: NewUserSchema, response: { 201: UserSchema } } },
    async (request, reply) => {
      const { username, password, roles } = request.body;
      return reply.code(201).send(await km.users.create(username, password, roles));
    },
  );
  app.get(
    `${BASE}/:username`,
    { onRequest: preHandler, schema: { params: Params, response: { 200: UserSchema } } },
    (request) => km.users.get(request.params.username),
  );
  app.patch(
    `${BASE}/:username`,
    {
      onRequest: preHandler,
      schema: { params: Params, body: UserChangesSchema, response: { 200: UserSchema } },
    },
    (request) => km.users.update(request.params.username, request.body),
  );
  app.delete(
    `${BASE}/:username`,
    { onRequest: preHandler, schema: { params: Params } },
    async (request, reply) => {
      await km.users.delete(request.params.username);
      return reply.code(200).send();
    },
  );
}
