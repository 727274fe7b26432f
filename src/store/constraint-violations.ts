/**
 * What the database refused, on SQLite or PostgreSQL. Two requests that both passed a check race to the
 * write; the loser must get a 409 or a 404, not a 500.
 */
const codeOf = (err: unknown) => (err as { code?: unknown } | null)?.code;

/** A duplicate: a unique or primary-key constraint. */
export function isUniqueViolation(err: unknown): boolean {
  const code = codeOf(err);
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** A reference to a row that is gone (deleted by a concurrent request). */
export function isForeignKeyViolation(err: unknown): boolean {
  const code = codeOf(err);
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}
