/** A fresh PostgreSQL database for one suite, dropped when the suite is done. */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { POSTGRES_URL } from './services.js';

async function adminQuery(text: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end();
  }
}

/**
 * Drops the database once the suite's own connections have gone (a closing pool may still be saying goodbye:
 * forcing them off would surface as an error in that pool); after two seconds, forces it.
 */
async function dropDatabase(name: string): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const { rows } = await adminQuery('select count(*)::int as n from pg_stat_activity where datname = $1', [
      name,
    ]);
    if ((rows[0] as { n: number }).n === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await adminQuery(`drop database if exists ${name} with (force)`);
}

export interface TemporaryDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createTemporaryDatabase(prefix = 'portcullis_test'): Promise<TemporaryDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create database ${name}`);
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => dropDatabase(name) };
}
