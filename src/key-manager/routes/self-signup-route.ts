/**
 * Self sign-up for developers: POST /keymanager/v1/self-signup creates a user with the `subscriber` role
 * only, as WSO2's Developer Portal sign-up does. Off with `key_manager.self_signup = false`.
 */
import { Type, type Static } from 'typebox';
import { Forbidden } from '../../platform/errors.js';
import type { App } from '../../platform/http-server.js';
import type { KeyManager } from '../key-manager.js';
import { UserSchema } from './users-routes.js';

export const SELF_SIGNUP_PATH = '/keymanager/v1/self-signup';

const SignUpSchema = Type.Object(
  { username: Type.String({ maxLength: 64 }), password: Type.String({ maxLength: 1024 }) },
  { additionalProperties: false },
);
export type SignUpRequest = Static<typeof SignUpSchema>;

export function registerSelfSignupRoute(app: App, km: KeyManager): void {
  app.post(
    SELF_SIGNUP_PATH,
    { schema: { body: SignUpSchema, response: { 201: UserSchema } } },
    async (request, reply) => {
      if (!km.config.self_signup)
        throw new Forbidden('Self sign-up is turned off here; ask an admin for an account.');
      const { username, password } = request.body;
      return reply.code(201).send(await km.users.create(username, password, ['subscriber']));
    },
  );
}
