import {
  defaultFieldResolver,
  getNamedType,
  isObjectType,
  type GraphQLField,
  type GraphQLSchema,
} from 'graphql';
import type { Role } from '@quetma/shared';
import type { GraphQLContext } from '../graphql/context';
import { AppError } from '../graphql/errors';
import { ROOT_FIELD_ACCESS } from './access-policy';
import { checkAfter, checkBefore, rulesOf, type ScopeCheck, type ScopeRule } from './area-scope';
import { AREA_BOUND_TYPES, DOOR_SCOPE, FIELD_SCOPE, ROOT_FIELD_SCOPE } from './area-scope-policy';

/** Roles that carry an area: CITY_WIDE fields must not be open to them. */
const AREA_ROLES: readonly Role[] = ['DISTRICT_OFFICER', 'WARD_OFFICER'];

/** Why the schema does not build: every field that needs an area-scope rule and lacks one. */
export function missingScopeRules(schema: GraphQLSchema): string[] {
  const problems: string[] = [];
  for (const { key, rules } of scopedFields(schema)) {
    if (!rules) {
      problems.push(`${key} has no area-scope rule (server/src/auth/area-scope-policy.ts)`);
      continue;
    }
    const access = ROOT_FIELD_ACCESS[key];
    if (rulesOf(rules).some((r) => r.kind === 'CITY_WIDE') && Array.isArray(access)) {
      const open = access.filter((role) => AREA_ROLES.includes(role));
      if (open.length)
        problems.push(`${key} is CITY_WIDE but the access table opens it to ${open}`);
    }
  }
  return problems;
}

/**
 * Wraps every field that has an area-scope rule so that the rule runs for a caller with an area,
 * before the resolver (arguments, parent) and on its answer; callers without an area go straight
 * to the resolver. Refuses to build a schema with a field lacking a rule, so that a new query
 * cannot be left open by forgetting one.
 */
export function enforceAreaScope(schema: GraphQLSchema): void {
  const problems = missingScopeRules(schema);
  if (problems.length) throw new Error(`Area scope is incomplete:\n  - ${problems.join('\n  - ')}`);
  for (const { field, rules } of scopedFields(schema)) {
    const list = rulesOf(rules!);
    if (list.every((rule) => rule.kind === 'AREA_FREE')) continue;
    guard(field, list);
  }
}

function guard(field: GraphQLField<unknown, GraphQLContext>, rules: readonly ScopeRule[]): void {
  const resolve = field.resolve ?? defaultFieldResolver;
  const checksResult = rules.some((rule) => rule.kind === 'RESULT_UNITS');
  field.resolve = async (parent, args, ctx, info) => {
    const scope = ctx.identity.scope;
    if (!scope) return resolve(parent, args, ctx, info);
    const check: ScopeCheck = {
      areas: ctx.areas,
      scope,
      wardOfVenue: async (id) => (await ctx.loaders.venueById.load(id))?.wardCode,
    };
    await checkBefore(rules, check, args, parent);
    const result = await resolve(parent, args, ctx, info);
    if (checksResult) checkAfter(rules, check, result);
    return result;
  };
}

/** Root fields, and fields leading into an area-bound type from a parent that is not one. */
function scopedFields(schema: GraphQLSchema) {
  const roots = [schema.getQueryType(), schema.getMutationType()].filter(
    (t) => t !== null && t !== undefined,
  );
  const fields: {
    key: string;
    field: GraphQLField<unknown, GraphQLContext>;
    rules: ScopeRule | readonly ScopeRule[] | undefined;
  }[] = [];
  for (const root of roots) {
    for (const field of Object.values(root.getFields())) {
      const key = `${root.name}.${field.name}`;
      fields.push({ key, field, rules: ROOT_FIELD_SCOPE[key] });
    }
  }
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__') || roots.includes(type)) continue;
    if (AREA_BOUND_TYPES.has(type.name)) continue;
    for (const field of Object.values(type.getFields())) {
      const key = `${type.name}.${field.name}`;
      if (AREA_BOUND_TYPES.has(getNamedType(field.type).name) || FIELD_SCOPE[key])
        fields.push({ key, field, rules: FIELD_SCOPE[key] });
    }
  }
  return fields;
}

/**
 * The area-scope refusal of an HTTP door (DOOR_SCOPE), or undefined when the caller may go on:
 * the doors besides /graphql answer in their own shape, so they get the error to send.
 */
export async function doorScopeRefusal(
  door: string,
  params: Record<string, unknown>,
  check: Omit<ScopeCheck, 'scope'> & { scope: ScopeCheck['scope'] | undefined },
): Promise<AppError | undefined> {
  const rules = DOOR_SCOPE[door];
  if (!rules)
    throw new Error(`${door} has no area-scope rule (server/src/auth/area-scope-policy.ts)`);
  const { scope } = check;
  if (!scope) return undefined;
  try {
    await checkBefore(rulesOf(rules), { ...check, scope }, params, undefined);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  return undefined;
}
