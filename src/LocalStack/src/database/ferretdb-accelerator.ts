import type pg from 'pg';

/**
 * A local-only accelerator for FerretDB 1.24 on PostgreSQL, installed in the cluster the stack owns.
 *
 * FerretDB pushes an equality filter down as `_jsonb->'field' @> value`, but the indexes it creates for
 * `createIndexes` are btree expression indexes on `(_jsonb->'field')`, which `@>` cannot use: every read
 * scans the whole table, so reads slow down as the data grows (measured: findOne by id 1 500/s at 1k
 * patients, 86/s at 50k). For the leading key of every index FerretDB creates (and for `_id`), an event
 * trigger adds a GIN `jsonb_path_ops` index on the same expression, which `@>` does use (Bitmap Index
 * Scan). It reacts to the indexes the apps declare, whenever they are created, so a new collection or
 * index needs no change here. Cosmos DB and MongoDB serve these filters from their own indexes; nothing
 * of this exists there, and it can go when FerretDB pushes filters down in a form its indexes serve.
 *
 * The same trigger lets every client role read each database's FerretDB metadata table (not its data):
 * FerretDB 1.24 loads its catalogue once, with the credentials of the first client, and a database that
 * client cannot see stays invisible to every later client until FerretDB restarts.
 */
export const acceleratorSql = String.raw`
CREATE SCHEMA IF NOT EXISTS local_stack;

DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ferretdb_clients') THEN CREATE ROLE ferretdb_clients NOLOGIN; END IF;
END $$;
GRANT USAGE ON SCHEMA local_stack TO ferretdb_clients;

CREATE OR REPLACE FUNCTION local_stack.accelerate_index(index_oid oid) RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
  target record;
  leading_key text;
  field text;
BEGIN
  SELECT table_class.relname AS table_name, namespace.nspname AS schema_name, method.amname AS method, index_info.indrelid AS table_oid
    INTO target
    FROM pg_index index_info
    JOIN pg_class index_class ON index_class.oid = index_info.indexrelid
    JOIN pg_am method ON method.oid = index_class.relam
    JOIN pg_class table_class ON table_class.oid = index_info.indrelid
    JOIN pg_namespace namespace ON namespace.oid = table_class.relnamespace
   WHERE index_info.indexrelid = index_oid;
  IF NOT FOUND OR target.method <> 'btree' OR target.table_name = '_ferretdb_database_metadata' THEN RETURN; END IF;
  -- Only FerretDB's collection tables: one jsonb column named _jsonb.
  IF NOT EXISTS (SELECT FROM pg_attribute WHERE attrelid = target.table_oid AND attname = '_jsonb' AND NOT attisdropped) THEN RETURN; END IF;
  leading_key := pg_get_indexdef(index_oid, 1, false);
  -- A top-level field: ((_jsonb -> 'name'::text)). Nested paths are not pushed down by FerretDB 1.24.
  field := substring(leading_key FROM $re$^\(*_jsonb -> '((?:[^']|'')*)'::text\)*$$re$);
  IF field IS NULL THEN RETURN; END IF;
  field := replace(field, '''''', '''');
  -- fastupdate off: a GIN index's pending list is scanned whole by every read until vacuum merges it,
  -- so right after many inserts point reads slowed down with the data again (measured at 50k patients).
  EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I.%I USING gin ((_jsonb -> %L) jsonb_path_ops) WITH (fastupdate = off)',
    left(target.table_name, 40) || '_' || left(md5(field), 8) || '_gin', target.schema_name, target.table_name, field);
END $fn$;

CREATE OR REPLACE FUNCTION local_stack.share_metadata(table_oid oid) RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
  schema_name text;
BEGIN
  SELECT namespace.nspname INTO schema_name
    FROM pg_class table_class JOIN pg_namespace namespace ON namespace.oid = table_class.relnamespace
   WHERE table_class.oid = table_oid AND table_class.relname = '_ferretdb_database_metadata';
  IF NOT FOUND THEN RETURN; END IF;
  EXECUTE format('GRANT USAGE ON SCHEMA %I TO ferretdb_clients', schema_name);
  EXECUTE format('GRANT SELECT ON %I._ferretdb_database_metadata TO ferretdb_clients', schema_name);
END $fn$;

CREATE OR REPLACE FUNCTION local_stack.on_ddl_command_end() RETURNS event_trigger LANGUAGE plpgsql AS $fn$
DECLARE
  command record;
BEGIN
  FOR command IN SELECT * FROM pg_event_trigger_ddl_commands() LOOP
    IF command.command_tag = 'CREATE INDEX' AND command.object_type = 'index' THEN
      PERFORM local_stack.accelerate_index(command.objid);
    ELSIF command.command_tag = 'CREATE TABLE' AND command.object_type = 'table' THEN
      PERFORM local_stack.share_metadata(command.objid);
    END IF;
  END LOOP;
END $fn$;

DROP EVENT TRIGGER IF EXISTS local_stack_ferretdb;
CREATE EVENT TRIGGER local_stack_ferretdb ON ddl_command_end WHEN TAG IN ('CREATE INDEX', 'CREATE TABLE')
  EXECUTE FUNCTION local_stack.on_ddl_command_end();

-- What existed before the trigger (a cluster from an earlier version of the stack).
SELECT local_stack.accelerate_index(indexrelid) FROM pg_index;
SELECT local_stack.share_metadata(oid) FROM pg_class WHERE relname = '_ferretdb_database_metadata' AND relkind = 'r';
`;

/** Installs (or refreshes) the accelerator; runs as the superuser on every start, idempotently. */
export async function installAccelerator(client: pg.Client): Promise<void> {
  await client.query(acceleratorSql);
}
