// The throw-away PostgreSQL of the tests lives in scripts/postgres-temp.mjs (the bench uses it too).
export { postgresBinDir, startPostgres, type TestPostgres } from '../../scripts/postgres-temp.mjs';
