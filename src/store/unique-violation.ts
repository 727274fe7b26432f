/**
 * Whether an error is the database refusing a duplicate (a unique or primary-key constraint), on SQLite or
 * PostgreSQL: two requests that both passed a "does it exist?" check race to the insert, and the loser
 * must get a 409, not a 500.
 */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
