import path from 'node:path';
import { expect } from 'chai';
import { ConfigError, loadConfig } from './config';

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected the configuration to be refused');
}

describe('configuration', () => {
  it('defaults to the embedded database, port 4000 and the GraphQL IDE in development', () => {
    const config = loadConfig({});
    expect(config.databaseUrl).to.equal(undefined);
    expect(config.embeddedPostgres).to.equal(true);
    expect(config.port).to.equal(4000);
    expect(config.graphiql).to.equal(true);
    expect(config.demoData).to.equal(true);
    expect(config.dataDir).to.equal(path.resolve(__dirname, '..', '..', '.data'));
  });

  it('names every bad variable and what it accepts, all at once', () => {
    const message = problemsOf({ PORT: '70000', DATABASE_URL: 'mysql://x/y', GRAPHIQL: 'maybe' });
    expect(message).to.include('PORT: must be a whole number from 1 to 65535');
    expect(message).to.include('DATABASE_URL: must start with postgres:// or postgresql://');
    expect(message).to.include('GRAPHIQL: must be true or false');
  });

  it('never prints a rejected value, and does not call a refused secret the development default', () => {
    const message = problemsOf({
      NODE_ENV: 'production',
      DATABASE_URL: 'mysql://admin:hunter2-password@db/quetma',
      PERSON_HASH_KEY: 'short-secret-value',
      JWT_SECRET: 'another-short-one',
      PERSON_ENCRYPTION_KEY: 'c2hvcnQtYnV0LXNlY3JldA==',
      CODE_SIGNING_KEYS: 'k1=c2hvcnQ',
    });
    for (const value of [
      'hunter2-password',
      'short-secret-value',
      'another-short-one',
      'c2hvcnQ',
    ]) {
      expect(message).not.to.include(value);
    }
    expect(message).to.include('PERSON_HASH_KEY: must be at least 32 characters');
    expect(message).to.include('JWT_SECRET: must be at least 32 characters');
    expect(message).to.include('PERSON_ENCRYPTION_KEY: must be 32 bytes');
    expect(message).not.to.include('development default');
  });

  it('refuses production mode without its own secrets', () => {
    const message = problemsOf({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/quetma' });
    expect(message).to.include('PERSON_HASH_KEY is required in production mode');
    expect(message).to.include('PERSON_ENCRYPTION_KEY is required in production mode');
    expect(message).to.include('JWT_SECRET is required in production mode');
    expect(message).to.include('CODE_SIGNING_KEYS is required in production mode');
  });

  it('turns demo data and the IDE off in production mode', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://db/quetma',
      PERSON_HASH_KEY: 'x'.repeat(40),
      PERSON_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
      JWT_SECRET: 'y'.repeat(40),
      CODE_SIGNING_KEYS: `k1=${Buffer.alloc(32, 2).toString('base64')}`,
    });
    expect(config.demoData).to.equal(false);
    expect(config.graphiql).to.equal(false);
  });

  it('refuses production mode without DATABASE_URL unless the embedded database is asked for', () => {
    const secrets = {
      NODE_ENV: 'production',
      PERSON_HASH_KEY: 'x'.repeat(40),
      PERSON_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
      JWT_SECRET: 'y'.repeat(40),
      CODE_SIGNING_KEYS: `k1=${Buffer.alloc(32, 2).toString('base64')}`,
    };
    expect(problemsOf(secrets)).to.include(
      'DATABASE_URL is required in production mode: set it to your PostgreSQL',
    );
    expect(problemsOf(secrets)).to.include('or set EMBEDDED_POSTGRES=true');
    const embedded = loadConfig({ ...secrets, EMBEDDED_POSTGRES: 'true' });
    expect(embedded.embeddedPostgres).to.equal(true);
    expect(embedded.databaseUrl).to.equal(undefined);
    expect(
      loadConfig({ ...secrets, DATABASE_URL: 'postgres://db/quetma' }).embeddedPostgres,
    ).to.equal(false);
    expect(
      problemsOf({ ...secrets, EMBEDDED_POSTGRES: 'true', DATABASE_URL: 'postgres://db/q' }),
    ).to.include('EMBEDDED_POSTGRES=true and DATABASE_URL are both set');
    expect(problemsOf({ EMBEDDED_POSTGRES: 'false' })).to.include(
      'DATABASE_URL is required when EMBEDDED_POSTGRES is false',
    );
  });

  it('rejects an encryption key of the wrong size and a database URL without a database', () => {
    const message = problemsOf({
      PERSON_ENCRYPTION_KEY: 'c2hvcnQ=',
      DATABASE_URL: 'postgres://localhost:5432',
    });
    expect(message).to.include('PERSON_ENCRYPTION_KEY');
    expect(message).to.include('must be 32 bytes');
    expect(message).to.include('must name a database');
  });
});

describe('venue code signing keys', () => {
  it('reads several keys, so that old posters verify after a rotation', () => {
    const old = Buffer.alloc(32, 1).toString('base64');
    const current = Buffer.alloc(32, 2).toString('base64');
    const config = loadConfig({ CODE_SIGNING_KEYS: `k1=${old}, k2=${current}`, CODE_KEY_ID: 'k2' });
    expect([...config.codeSigningKeys.keys()]).to.deep.equal(['k1', 'k2']);
    expect(config.codeKeyId).to.equal('k2');
  });

  it('refuses a current key id that is not among the keys, and a short key', () => {
    const message = problemsOf({
      CODE_SIGNING_KEYS: `k1=${Buffer.alloc(8).toString('base64')}`,
      CODE_KEY_ID: 'k9',
    });
    expect(message).to.include('key k1 must be at least 32 bytes');
    expect(message).to.include('CODE_KEY_ID=k9 is not one of the ids in CODE_SIGNING_KEYS');
  });
});

describe('the job worker setting', () => {
  it('runs jobs in every process unless JOBS_WORKER says otherwise', () => {
    expect(loadConfig({}).jobsWorker).to.equal(true);
    expect(loadConfig({ JOBS_WORKER: 'false' }).jobsWorker).to.equal(false);
    expect(problemsOf({ JOBS_WORKER: 'sometimes' })).to.include(
      'JOBS_WORKER: must be true or false',
    );
  });
});
