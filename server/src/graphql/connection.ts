import {
  ArgsType,
  Field,
  FieldResolver,
  InputType,
  Int,
  ObjectType,
  registerEnumType,
  Resolver,
  Root,
  type ClassType,
} from 'type-graphql';
import type { ComplexityEstimator } from 'graphql-query-complexity';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;
/** Past this, a client should page with `after`: a large OFFSET reads and throws away rows. */
export const MAX_OFFSET = 100_000;

@ObjectType({ description: 'Where a page of a connection stands (Relay).' })
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => Boolean)
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

/** A page of a list as every list query answers it (see list-query.ts). */
export interface Connection<Row> {
  nodes: Row[];
  edges: { cursor: string; node: Row }[];
  pageInfo: PageInfo;
  /** Run only when `totalCount` is asked for: counting costs more than a page on a large list. */
  countTotal: () => Promise<number>;
}

export enum OrderDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}
registerEnumType(OrderDirection, { name: 'OrderDirection' });

/** One item of a list's `orderBy`: a sort key and its direction. */
export interface Order<Field extends string> {
  field: Field;
  direction?: OrderDirection | null;
}

/**
 * `first`, `after` and `offset`, the same on every list; listPage() checks them (so resolvers
 * take them with `validate: false`: class-validator has nothing to check here).
 */
@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: 'Page size: 1 to 500, default 50.' })
  first?: number;

  @Field(() => String, { nullable: true })
  after?: string;

  @Field(() => Int, {
    nullable: true,
    description: 'Rows to skip (after `after`, if given).',
  })
  offset?: number;
}

/** A page costs its size times what each row asks for (query-shape.ts adds it up). */
export const pageComplexity: ComplexityEstimator = ({ args, childComplexity }) =>
  1 + (args.first ?? DEFAULT_PAGE_SIZE) * childComplexity;

/**
 * The `orderBy` item of a list, `{ field, direction }`, named e.g. `VenueOrder` over the enum of
 * its sort keys (which must be registered with type-graphql).
 */
export function orderInput<Field extends string>(
  name: string,
  fields: Record<string, Field>,
): ClassType<Order<Field>> {
  @InputType(name)
  class OrderInput {
    @Field(() => fields)
    field!: Field;

    // nullable with a default: graphql-jit does not fill input defaults in variables, so the
    // list query reads a missing direction as ASC too
    @Field(() => OrderDirection, { nullable: true, defaultValue: OrderDirection.ASC })
    direction?: OrderDirection;
  }
  return OrderInput;
}

/**
 * The GraphQL types of a list's connection: `<node>Edge { cursor node }` and
 * `<connection> { totalCount nodes edges pageInfo }`, and the resolver of `totalCount`, which
 * goes in the schema's resolvers (schema.ts).
 */
export function connectionTypes<Row>(options: {
  node: ClassType;
  edge: string;
  connection: string;
  description: string;
  totalCountDescription: string;
}): { Connection: ClassType<Connection<Row>>; TotalCountResolver: ClassType } {
  @ObjectType(options.edge)
  class Edge {
    @Field(() => String)
    cursor!: string;

    @Field(() => options.node)
    node!: Row;
  }

  @ObjectType(options.connection, { description: options.description })
  class ConnectionType implements Connection<Row> {
    @Field(() => [options.node])
    nodes!: Row[];

    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    countTotal!: () => Promise<number>;
  }

  @Resolver(() => ConnectionType)
  class TotalCountResolver {
    @FieldResolver(() => Int, { description: options.totalCountDescription })
    totalCount(@Root() connection: Connection<Row>): Promise<number> {
      return connection.countTotal();
    }
  }

  return { Connection: ConnectionType, TotalCountResolver };
}
