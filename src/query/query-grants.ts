import { aws_iam as iam, aws_s3 as s3 } from 'aws-cdk-lib';
import { InventoryDataGrants } from '../grants';

/** Athena actions a query runner needs on the work group (and nothing account-wide). */
const ATHENA_ACTIONS = [
  'athena:StartQueryExecution', 'athena:StopQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults',
  'athena:GetQueryResultsStream', 'athena:GetQueryRuntimeStatistics', 'athena:ListQueryExecutions',
  'athena:BatchGetQueryExecution', 'athena:GetWorkGroup', 'athena:ListNamedQueries', 'athena:GetNamedQuery',
  'athena:BatchGetNamedQuery',
];

/** Glue Data Catalog reads Athena makes for a query (the catalog, the database, its tables). */
const GLUE_ACTIONS = [
  'glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartition', 'glue:GetPartitions', 'glue:BatchGetPartition',
];

/**
 * What the grants of an inventory database are made from.
 */
export interface InventoryQueryGrantsProps {
  /** The Athena work group's ARN. */
  readonly workGroupArn: string;
  /** The ARNs of the Glue catalog, the database and its tables (`table/<database>/*`). */
  readonly catalogArns: string[];
  /** The inventory data. */
  readonly data: InventoryDataGrants;
  /** The bucket the query results go to (with its key). */
  readonly resultsBucket: s3.IBucket;
}

/**
 * Grants on an inventory database: everything a principal needs to run its queries and read their
 * results. Made by `InventoryDatabase` (its `grants`), following aws-cdk-lib's grants classes.
 */
export class InventoryQueryGrants {
  /**
   * Grants on the resources of an inventory database.
   */
  public static fromResources(props: InventoryQueryGrantsProps): InventoryQueryGrants {
    return new InventoryQueryGrants(props);
  }

  private constructor(private readonly props: InventoryQueryGrantsProps) {}

  /**
   * Let `grantee` run queries in the work group and read their results: Athena on the work group
   * (queries and named queries), Glue reads of the catalog, the database and its tables, S3 read
   * of the inventory data (objects under the prefix, and `kms:Decrypt` on its key), and S3 read and
   * write of the results bucket (and encrypt and decrypt with its key).
   */
  public query(grantee: iam.IGrantable): iam.Grant {
    const { workGroupArn, catalogArns, data, resultsBucket } = this.props;
    return iam.Grant.addToPrincipal({ grantee, actions: ATHENA_ACTIONS, resourceArns: [workGroupArn] })
      .combine(iam.Grant.addToPrincipal({ grantee, actions: GLUE_ACTIONS, resourceArns: catalogArns }))
      .combine(data.read(grantee))
      .combine(resultsBucket.grantReadWrite(grantee));
  }
}
