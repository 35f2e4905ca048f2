import { expect } from 'chai';
import { extendSchema, parse } from 'graphql';
import { testEnv } from '../../test/harness';
import { buildQuetmaSchema } from '../graphql/schema';
import { ROOT_FIELD_ACCESS } from './access-policy';
import { checkAfter, checkBefore, resultUnits, unitArg, venueArg } from './area-scope';
import { enforceAreaScope, missingScopeRules } from './area-scope-enforcement';

const BA_DINH = { level: 'DISTRICT' as const, code: '001' };

describe('area scope: one rule per field, enforced in one place', () => {
  it('has a rule for every query, mutation and field leading into venues or figures', async () => {
    expect(missingScopeRules(await buildQuetmaSchema())).to.deep.equal([]);
  });

  it('names each new field that lacks a rule, and the schema does not build with it', async () => {
    const schema = extendSchema(
      await buildQuetmaSchema(),
      parse(`
        extend type Query { venuesNearby(wardCode: ID!): [Venue!]! }
        extend type Mutation { archiveVenues(wardCode: ID!): Int! }
        extend type District { venues: VenueConnection!, population: Int! }
        extend type Ward { busiestVenue: Venue, figures: ComplianceStats }
      `),
    );
    const problems = missingScopeRules(schema);
    expect(problems).to.have.members([
      'Query.venuesNearby has no area-scope rule (server/src/auth/area-scope-policy.ts)',
      'Mutation.archiveVenues has no area-scope rule (server/src/auth/area-scope-policy.ts)',
      'District.venues has no area-scope rule (server/src/auth/area-scope-policy.ts)',
      'Ward.busiestVenue has no area-scope rule (server/src/auth/area-scope-policy.ts)',
      'Ward.figures has no area-scope rule (server/src/auth/area-scope-policy.ts)',
    ]);
    // a field that leads to nothing of an area (District.population) needs no rule
    expect(() => enforceAreaScope(schema)).to.throw('Area scope is incomplete');
  });

  it('refuses a CITY_WIDE rule on a field the access table opens to officers', async () => {
    const schema = await buildQuetmaSchema();
    const before = ROOT_FIELD_ACCESS['Query.users'];
    ROOT_FIELD_ACCESS['Query.users'] = ['CITY_ADMIN', 'WARD_OFFICER'];
    try {
      expect(missingScopeRules(schema)).to.deep.equal([
        'Query.users is CITY_WIDE but the access table opens it to WARD_OFFICER',
      ]);
    } finally {
      ROOT_FIELD_ACCESS['Query.users'] = before;
    }
  });

  it('checks a unit or a venue named anywhere in the arguments, and lets unknown ones through', async () => {
    const check = {
      areas: testEnv().areas,
      scope: BA_DINH,
      wardOfVenue: async (id: string) => ({ 'a0000000-0000-4000-8000-000000000001': '00037' })[id],
    };
    const ward = [unitArg('input.wardCode', 'ward')];
    await checkBefore(ward, check, { input: { wardCode: '00004' } }, undefined);
    // an unknown code is the resolver's to answer (NOT_FOUND or BAD_USER_INPUT)
    await checkBefore(ward, check, { input: { wardCode: '99999' } }, undefined);
    const refused = await checkBefore(ward, check, { input: { wardCode: '00037' } }, undefined)
      .then(() => undefined)
      .catch((error) => error);
    expect(refused?.extensions?.code).to.equal('FORBIDDEN');
    expect(refused.message).to.equal(
      'You chose Phường Phúc Tân (00037), outside your area, Quận Ba Đình (001).',
    );
    const venue = await checkBefore(
      [venueArg('id')],
      check,
      { id: 'a0000000-0000-4000-8000-000000000001' },
      undefined,
    )
      .then(() => undefined)
      .catch((error) => error);
    expect(venue.message).to.equal(
      'This venue is in Phường Phúc Tân (00037), outside your area, Quận Ba Đình (001).',
    );
  });

  it('refuses a whole answer holding a row from outside the area, rather than leak it', () => {
    const check = { areas: testEnv().areas, scope: BA_DINH, wardOfVenue: async () => undefined };
    const rows = resultUnits((page: { nodes: { wardCode: string }[] }) =>
      page.nodes.map((n) => n.wardCode),
    );
    expect(() =>
      checkAfter([rows], check, { nodes: [{ wardCode: '00001' }, { wardCode: '00004' }] }),
    ).not.to.throw();
    expect(() =>
      checkAfter([rows], check, { nodes: [{ wardCode: '00001' }, { wardCode: '00037' }] }),
    ).to.throw('a row of unit 00037 escaped the area scope 001');
  });
});
