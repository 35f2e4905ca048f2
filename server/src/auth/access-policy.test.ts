import { expect } from 'chai';
import { buildSchema, parse, type GraphQLError, type GraphQLObjectType } from 'graphql';
import { testEnv } from '../../test/harness';
import { checkAccess } from './access-plugin';
import { FIELD_ACCESS, ROOT_FIELD_ACCESS } from './access-policy';
import { ANONYMOUS, type Identity } from './identity';

const admin: Identity = {
  kind: 'USER',
  id: 'x',
  label: 'admin',
  role: 'CITY_ADMIN',
  scope: undefined,
};

function refusal(run: () => void): GraphQLError | undefined {
  try {
    run();
  } catch (error) {
    return error as GraphQLError;
  }
  return undefined;
}

describe('the access table', () => {
  it('has a rule for every query and mutation of the schema, and none for a field that is gone', () => {
    const schema = testEnv().app.schema;
    const rootFields = [schema.getQueryType()!, schema.getMutationType()!].flatMap((type) =>
      Object.keys(type.getFields()).map((field) => `${type.name}.${field}`),
    );
    expect(Object.keys(ROOT_FIELD_ACCESS).sort()).to.deep.equal(rootFields.sort());
    for (const key of Object.keys(FIELD_ACCESS)) {
      const [typeName, field] = key.split('.');
      const type = schema.getType(typeName) as GraphQLObjectType | undefined;
      expect(type?.getFields()[field], key).to.not.equal(undefined);
    }
  });

  it('refuses, for everyone, a query that has no rule', () => {
    const schema = buildSchema('type Query { city: String, forgotten: String }');
    const error = refusal(() => checkAccess(schema, parse('{ city forgotten }'), admin));
    expect(error?.extensions.code).to.equal('FORBIDDEN');
    expect(error?.message).to.include('Query.forgotten has no access rule');
  });

  it('checks fields inside fragments and aliases as well', () => {
    const schema = testEnv().app.schema;
    const integrator: Identity = {
      kind: 'API_KEY',
      id: 'k',
      label: 'key',
      role: 'INTEGRATOR',
      scope: undefined,
    };
    const document = parse(`
      { v: venues { nodes { ...Contact } } }
      fragment Contact on Venue { phone: registrantPhone }`);
    const error = refusal(() => checkAccess(schema, document, integrator));
    expect(error?.extensions.code).to.equal('FORBIDDEN');
    expect(error?.message).to.include('Venue.registrantPhone');
  });

  it('asks an anonymous caller to log in rather than calling it forbidden', () => {
    const error = refusal(() =>
      checkAccess(testEnv().app.schema, parse('{ cities { code } }'), ANONYMOUS),
    );
    expect(error?.extensions.code).to.equal('UNAUTHENTICATED');
  });
});
