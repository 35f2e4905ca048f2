import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ERROR_CODES, ERRORS } from '@quetma/shared';
import {
  appError,
  badInput,
  forbidden,
  formatError,
  tooManyRequests,
  unauthenticated,
} from './errors';

const SRC = path.resolve(__dirname, '..');

/** The server's source files, tests left out. */
function sourceFiles(dir = SRC): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'migrations' ? [] : sourceFiles(file);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [file] : [];
  });
}

/** As Apollo hands an error to formatError: `http` already taken out of the extensions. */
function formatted(error: GraphQLError): GraphQLFormattedError {
  const extensions: Record<string, unknown> = {
    ...error.extensions,
    code: error.extensions.code ?? 'INTERNAL_SERVER_ERROR',
  };
  delete extensions.http;
  return { ...error.toJSON(), extensions };
}

function format(error: GraphQLError) {
  const logged: unknown[] = [];
  const answer = formatError(formatted(error), error, (_message, e) => logged.push(e));
  return { answer, logged };
}

describe('one list of error codes, one way to raise them', () => {
  it('gives every code a meaning and an HTTP status', () => {
    for (const code of ERROR_CODES) {
      expect(ERRORS[code].meaning, code).to.match(/^[A-Z].{20,}\.$/);
      expect(ERRORS[code].status, code).to.be.within(200, 599);
    }
  });

  it('is the table in the README, code by code', () => {
    const readme = fs.readFileSync(path.resolve(SRC, '..', '..', 'README.md'), 'utf8');
    const rows = [...readme.matchAll(/^\| `([A-Z_]+)` +\| (\d{3}) +\| (.+?) +\|$/gm)].map(
      ([, code, status, meaning]) => ({ code, status: Number(status), meaning }),
    );
    expect(rows).to.deep.equal(ERROR_CODES.map((code) => ({ code, ...ERRORS[code] })));
  });

  it("lists Apollo's codes that reach clients", () => {
    // persisted queries are on (Apollo's default), so Apollo never answers that they are not
    const reachable = Object.values(ApolloServerErrorCode).filter(
      (code) => code !== ApolloServerErrorCode.PERSISTED_QUERY_NOT_SUPPORTED,
    );
    expect(reachable.filter((code) => !(ERROR_CODES as string[]).includes(code))).to.deep.equal([]);
  });

  it("gives an error the status of its code's entry, and headers it asks for", () => {
    for (const code of ERROR_CODES) {
      expect(appError(code, 'x').extensions.http, code).to.deep.equal({
        status: ERRORS[code].status,
      });
    }
    expect(badInput('name', 'must not be empty').extensions).to.include({
      code: 'BAD_USER_INPUT',
      field: 'name',
    });
    expect(badInput('name', 'must not be empty').message).to.equal('name: must not be empty');
    const limited = tooManyRequests('slow down', 7).extensions.http as any;
    expect(limited.status).to.equal(429);
    expect(limited.headers.get('retry-after')).to.equal('7');
    expect(tooManyRequests('slow down', 7).extensions.retryAfterSeconds).to.equal(7);
    expect(
      (unauthenticated('log in').extensions.http as any).headers.get('www-authenticate'),
    ).to.equal('Bearer');
    expect(forbidden('no').extensions.code).to.equal('FORBIDDEN');
  });

  it('raises errors through the one factory only: no GraphQLError, extensions code or error status made elsewhere', () => {
    const own = path.join(SRC, 'graphql', 'errors.ts');
    // graphql-jit's errors are made again with their code and position (jit-gateway.ts)
    const rewrap = path.join(SRC, 'graphql', 'jit-gateway.ts');
    const offences: string[] = [];
    for (const file of sourceFiles()) {
      if (file === own) continue;
      const text = fs.readFileSync(file, 'utf8');
      const name = path.relative(SRC, file);
      if (file !== rewrap && /new GraphQLError\(/.test(text))
        offences.push(`${name}: new GraphQLError`);
      if (/extensions:\s*\{[^}]*\bcode:/.test(text))
        offences.push(`${name}: extensions with a code`);
      if (/sendJson\([^,]+,\s*[45]\d\d\b/.test(text))
        offences.push(`${name}: sendJson with an error status`);
      if (/statusCode\s*=\s*[45]\d\d\b/.test(text))
        offences.push(`${name}: an error status set by hand`);
    }
    expect(offences).to.deep.equal([]);
  });

  describe('formatError', () => {
    it("passes a listed code on as raised, without Apollo's http instructions", () => {
      const { answer, logged } = format(badInput('name', 'must not be empty'));
      expect(answer).to.deep.include({ message: 'name: must not be empty' });
      expect(answer.extensions).to.deep.equal({ code: 'BAD_USER_INPUT', field: 'name' });
      expect(logged).to.deep.equal([]);
    });

    it('answers a code that is not listed INTERNAL_SERVER_ERROR, logged, with no message of its own', () => {
      const error = new GraphQLError('select * from venue where …', {
        extensions: { code: 'SOMETHING_ELSE' },
      });
      const { answer, logged } = format(error);
      expect(answer.extensions).to.deep.equal({ code: 'INTERNAL_SERVER_ERROR' });
      expect(answer.message).to.not.include('select');
      expect(logged).to.have.length(1);
    });

    it("gives Apollo's refusals of a method, an Accept or a Content-Type the code of their status", () => {
      for (const [status, code] of [
        [405, 'METHOD_NOT_ALLOWED'],
        [406, 'NOT_ACCEPTABLE'],
        [415, 'UNSUPPORTED_MEDIA_TYPE'],
        [400, 'BAD_REQUEST'],
      ] as const) {
        const error = new GraphQLError('refused', {
          extensions: { code: 'BAD_REQUEST', http: { status } },
        });
        expect(format(error).answer.extensions, String(status)).to.deep.equal({ code });
      }
    });

    it("answers Apollo's codeless 400s BAD_REQUEST, not as a defect", () => {
      const error = new GraphQLError('Unsupported persisted query version', {
        extensions: { http: { status: 400 } },
      });
      const { answer, logged } = format(error);
      expect(answer).to.deep.include({ message: 'Unsupported persisted query version' });
      expect(answer.extensions).to.deep.equal({ code: 'BAD_REQUEST' });
      expect(logged).to.deep.equal([]);
    });

    it('gives back the code of our validation rules, without their http instructions', () => {
      const rule = appError('BAD_USER_INPUT', 'too deep', { limit: 12, actual: 13 });
      const wrapped = new GraphQLError(rule.message, {
        originalError: rule,
        extensions: { ...rule.extensions, code: 'GRAPHQL_VALIDATION_FAILED' },
      });
      expect(format(wrapped).answer.extensions).to.deep.equal({
        code: 'BAD_USER_INPUT',
        limit: 12,
        actual: 13,
      });
    });

    it('answers a statement timeout QUERY_TIMEOUT, unlogged', () => {
      const timeout = Object.assign(new Error('canceling statement due to statement timeout'), {
        code: '57014',
      });
      const error = new GraphQLError(timeout.message, { originalError: timeout });
      const { answer, logged } = format(error);
      expect(answer.extensions).to.deep.equal({ code: 'QUERY_TIMEOUT' });
      expect(answer.message).to.include('took too long');
      expect(logged).to.deep.equal([]);
    });
  });
});
