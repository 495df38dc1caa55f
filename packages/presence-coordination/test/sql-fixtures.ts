/**
 * The two SQL backends every coordination store's contract runs on, made once per test file:
 * PGlite in this process, and the Postgres at 127.0.0.1:5432 with a pool per store standing for
 * one server instance each (so two stores on one schema race like two instances). Each fixture
 * migrates a fresh schema (presence-server's migrations and coordination's) and drops it after.
 */
import { PGlite } from '@electric-sql/pglite'
import { migratePGlite, pgliteClient } from '@wedsync/presence-server/pglite'
import { migratePostgres, pgClient } from '@wedsync/presence-server/postgres'
import { afterAll, beforeAll } from 'vitest'
import { COORDINATION_MIGRATIONS } from '../src/migrations.js'
import { dropSchema, schemaName, testPool } from './support.js'

type SqlClient = ReturnType<typeof pgClient>

/** How a store is made on a client and schema (`onClose`: end what the store owns). */
export type MakeSqlStore<S> = (options: {
  client: SqlClient
  schema: string
  onClose?: () => Promise<void>
}) => S

export function sqlFixtures<S>(label: string, make: MakeSqlStore<S>) {
  const admin = testPool(4)
  afterAll(() => admin.end())
  const lite = new PGlite()
  beforeAll(() => lite.waitReady, 120_000)
  afterAll(() => lite.close())
  let n = 0

  /** A store over its own pool, as one server instance would have. */
  const instanceStore = (schema: string) => {
    const pool = testPool(3)
    return make({ client: pgClient(pool), schema, onClose: () => pool.end() })
  }

  return {
    /** The pool migrations and other scenarios in the file may use. */
    admin,
    instanceStore,
    async pglite() {
      const schema = `${label}_${++n}`
      await migratePGlite(lite, schema, { extraMigrations: COORDINATION_MIGRATIONS })
      return {
        store: make({ client: pgliteClient(lite), schema }),
        cleanup: () => lite.exec(`drop schema ${schema} cascade`).then(() => {}),
      }
    },
    async postgres() {
      const schema = schemaName(label)
      await migratePostgres(admin, schema, { extraMigrations: COORDINATION_MIGRATIONS })
      return {
        store: instanceStore(schema),
        sibling: async () => instanceStore(schema),
        cleanup: () => dropSchema(admin, schema),
      }
    },
  }
}
