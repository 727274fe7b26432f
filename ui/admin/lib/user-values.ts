/** What the Key Manager accepts for users (src/key-manager/users/user-service.ts), checked before sending. */
export const USERNAME = /^[A-Za-z0-9._@-]{3,64}$/;

export function usernameError(username: string): string | null {
  return USERNAME.test(username) ? null : '3 to 64 characters: letters, digits, ".", "_", "@" or "-"';
}

export function passwordError(password: string): string | null {
  if (password.length < 8) return 'At least 8 characters';
  if (password.length > 256) return 'At most 256 characters';
  return null;
}
