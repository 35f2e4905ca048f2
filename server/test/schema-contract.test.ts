import fs from 'node:fs';
import { expect } from 'chai';
import {
  buildSchema,
  type GraphQLEnumType,
  type GraphQLInputObjectType,
  type GraphQLObjectType,
} from 'graphql';
import { SCHEMA_FILE } from '../src/graphql/emit-schema';
import { printContract } from '../src/graphql/print-contract';
import { testEnv } from './harness';

describe('schema.graphql, the committed contract', () => {
  it('is what the code builds (run `pnpm schema:emit` and commit it when this fails)', () => {
    const committed = fs.readFileSync(SCHEMA_FILE, 'utf8');
    expect(printContract(testEnv().app.schema)).to.equal(committed);
  });

  it('keeps the names integrators depend on (and the console will)', () => {
    const contract = buildSchema(fs.readFileSync(SCHEMA_FILE, 'utf8'));
    const signature = (typeName: string, fieldName: string) => {
      const type = contract.getType(typeName) as GraphQLObjectType;
      const field = type.getFields()[fieldName];
      expect(field, `${typeName}.${fieldName}`).to.not.equal(undefined);
      const args = field.args.map((a) => `${a.name}: ${a.type}`).sort();
      return `${fieldName}(${args.join(', ')}): ${field.type}`;
    };
    expect(signature('Query', 'city')).to.equal('city(code: ID): City');
    expect(signature('Query', 'district')).to.equal('district(code: ID!): District');
    expect(signature('Query', 'ward')).to.equal('ward(code: ID!): Ward');
    expect(signature('Query', 'venue')).to.equal('venue(id: ID!): Venue');
    expect(signature('Query', 'complianceStats')).to.equal(
      'complianceStats(date: Date!, unitCode: ID!): ComplianceStats!',
    );
    expect(signature('Query', 'venues')).to.equal(
      'venues(after: String, filter: VenueFilter, first: Int, offset: Int, orderBy: [VenueOrder!]): VenueConnection!',
    );
    for (const unit of ['City', 'District', 'Ward']) {
      expect(signature(unit, 'stats')).to.equal('stats(date: Date!): ComplianceStats!');
      const type = contract.getType(unit) as GraphQLObjectType;
      expect(type.getInterfaces().map((i) => i.name)).to.deep.equal(['AdministrativeUnit']);
    }
    expect(signature('City', 'districts')).to.equal('districts(): [District!]!');
    expect(signature('District', 'wards')).to.equal('wards(): [Ward!]!');
    expect(signature('District', 'city')).to.equal('city(): City!');
    expect(signature('Ward', 'district')).to.equal('district(): District!');
    const fieldsOf = (name: string) =>
      Object.keys(
        (contract.getType(name) as GraphQLObjectType | GraphQLInputObjectType).getFields(),
      );
    expect(fieldsOf('AdministrativeUnit')).to.include.members(['code', 'name', 'type', 'level']);
    expect(fieldsOf('ComplianceStats')).to.include.members([
      'date',
      'registeredVenues',
      'activeVenues',
      'neverScannedVenues',
      'dormantVenues',
      'scans',
      'people',
      'activeRate',
    ]);
    expect(fieldsOf('VenueFilter')).to.include.members([
      'unitCode',
      'category',
      'status',
      'search',
      'scanStatus',
    ]);
    expect(fieldsOf('VenueConnection')).to.include.members([
      'totalCount',
      'nodes',
      'edges',
      'pageInfo',
    ]);
    const scanStatus = contract.getType('ScanStatus') as GraphQLEnumType;
    expect(scanStatus.getValues().map((v) => v.name)).to.have.members([
      'ACTIVE',
      'DORMANT',
      'NEVER_SCANNED',
    ]);
  });
});
