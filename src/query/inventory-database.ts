import { Annotations, Duration, Fn, Lazy, Names, RemovalPolicy, Size, Stack, Token, aws_athena as athena, aws_glue as glue, aws_iam as iam, aws_kms as kms, aws_s3 as s3 } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { InventoryAccounts } from './inventory-accounts';
import { allAccountsView, allAccountsViewColumns, allAccountsViewSql, filesTable, partitionedTable, TableOptions } from './inventory-table';
import { InventoryType } from './inventory-type';
import { addNamedQuery, fromAllAccountsView, fromPartitionedTable, namedQuerySpecs } from './named-queries';
import { InventoryQueryGrants } from './query-grants';
import { checkBytesScannedCutoff, checkDatabaseName, checkTypes, checkWorkGroupName } from './query-validation';
import { defaultRegions } from './regions';
import { InventoryDataGrants } from '../grants';
import { InventoryBucket, regionsOfBucket, writersOfBucket } from '../inventory-bucket';
import { ResourceDataSync } from '../resource-data-sync';
import {
  checkAccountIds, checkPrefix, checkRegionList, checkRemovalPolicy, checkWholeDays, warnUnknownRegions,
} from '../validation';

/**
 * Properties of an `InventoryDatabase`. Give exactly one of `sync`, `inventoryBucket` or `bucket`.
 */
export interface InventoryDatabaseProps {
  /**
   * A `SyncToDestination` resource data sync whose destination the tables read.
   *
   * @default - none: give `inventoryBucket` or `bucket`
   */
  readonly sync?: ResourceDataSync;

  /**
   * A shared destination whose data the tables read.
   *
   * @default - none: give `sync` or `bucket`
   */
  readonly inventoryBucket?: InventoryBucket;

  /**
   * Any bucket that resource data syncs write into (for example a central bucket imported by name).
   *
   * @default - none: give `sync` or `inventoryBucket`
   */
  readonly bucket?: s3.IBucket;

  /**
   * The syncs' key prefix in `bucket`. Only with `bucket`.
   *
   * @default - no prefix
   */
  readonly prefix?: string;

  /**
   * The KMS key the data in `bucket` is encrypted with (readers get `kms:Decrypt` on it). Only
   * with `bucket`.
   *
   * @default - the bucket's own `encryptionKey`, if any
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * The inventory types to make a table for.
   *
   * @default InventoryType.defaults()
   */
  readonly types?: InventoryType[];

  /**
   * Whose data the tables read, and so how the `accountid` partition is projected. More than
   * 50 listed accounts (Athena advises an `enum` projection of a few dozen values at most) is
   * warned about: use `InventoryAccounts.organization()` for them.
   *
   * @default - for a destination that an organization writes into, `InventoryAccounts.organization()`;
   * otherwise the accounts the destination knows, listed: the sync's account, or the writers of an
   * `InventoryBucket` or `newBucket()` (its own account, `sourceAccounts` and every sync of the app
   * that uses it)
   */
  readonly accounts?: InventoryAccounts;

  /**
   * The Regions whose data the tables read (the `region` partition's projected values).
   *
   * @default - the Regions the destination knows: the sync's Region for a sync whose bucket only
   * its own account writes into, or the Regions of an `OrganizationInventory` whose destination it
   * is (its `regions` and, when it makes one, the deploying account's sync's Region). Otherwise,
   * or when one of those Regions is known only at deploy time (a token list, or the deploying
   * account's sync in a stack without an environment), a fixed list of the Regions of the stack's
   * partition (the Regions aws-cdk-lib 2.257.0 knows, plus the stack's own Region), which does not
   * change with the aws-cdk-lib version: give `regions` for a Region added since.
   */
  readonly regions?: string[];

  /**
   * The Glue database's name: lower-case letters, digits and `_`.
   *
   * @default - a name generated from the construct path
   */
  readonly databaseName?: string;

  /**
   * The Athena work group's name.
   *
   * @default - a name generated from the construct path
   */
  readonly workGroupName?: string;

  /**
   * The most data one query may scan before Athena cancels it (the work group's per-query data
   * usage control). At least 10 MB.
   *
   * @default Size.gibibytes(10)
   */
  readonly bytesScannedCutoffPerQuery?: Size;

  /**
   * How long query results are kept in the results bucket. A whole number of days.
   *
   * @default Duration.days(30)
   */
  readonly resultsExpiration?: Duration;

  /**
   * The KMS key that encrypts the query results.
   *
   * @default - a new customer managed key with rotation on
   */
  readonly resultsEncryptionKey?: kms.IKey;

  /**
   * A bucket for the server access logs of the results bucket.
   *
   * @default - no server access logs
   */
  readonly resultsServerAccessLogsBucket?: s3.IBucket;

  /**
   * What happens to the results bucket and its key when they leave the stack (RETAIN or DESTROY).
   * With DESTROY, the bucket's deletion fails while it holds results.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** The destination whose data the tables read. */
interface Destination {
  readonly bucket: s3.IBucket;
  readonly prefix?: string;
  readonly encryptionKey?: kms.IKey;
  /** The accounts the destination knows (read when the app is synthesized), or 'organization'. */
  readonly accounts?: (() => string[]) | 'organization';
  readonly regions?: string[];
}

const DEFAULT_CUTOFF = Size.gibibytes(10);
/** The most accounts projected as an `enum` without a warning (Athena: "a few dozen or less"). */
const MAX_LISTED_ACCOUNTS = 50;
const WARN_LARGE_ENUM = 'cdk-ssm-resource-data-sync:queryAccountsEnumTooLarge';
const ENGINE_VERSION = 'Athena engine version 3';

/**
 * A query layer over the Inventory a resource data sync writes: a Glue database with one table per
 * inventory type (partition projection on `accountid`, `region` and `resourcetype`: a new account
 * or Region is queryable the moment its first file lands, with no crawler and no `MSCK REPAIR
 * TABLE`), an Athena work group (engine version 3, results in their own encrypted bucket, a
 * per-query scan limit, its configuration enforced) and named queries for the everyday questions,
 * which answer for live nodes: terminated ones (whose files the sync never deletes) are left out.
 *
 * @example
 * const sync = new ResourceDataSync(stack, 'Inventory');
 * const database = new InventoryDatabase(stack, 'Query', { sync });
 * database.grantQuery(new iam.Role(stack, 'Analyst', { assumedBy: new iam.AccountRootPrincipal() }));
 */
export class InventoryDatabase extends Construct {
  /** The Glue database's name. */
  public readonly databaseName: string;

  /** The Athena work group's name. */
  public readonly workGroupName: string;

  /** The Athena work group's ARN. */
  public readonly workGroupArn: string;

  /** The bucket the query results go to. */
  public readonly resultsBucket: s3.IBucket;

  /** The KMS key that encrypts the query results. */
  public readonly resultsEncryptionKey: kms.IKey;

  /** The inventory types that have a table. */
  public readonly types: InventoryType[];

  /** Grants on the database: run its queries and read their results. */
  public readonly grants: InventoryQueryGrants;

  /** The Glue database (L1). */
  public readonly database: glue.CfnDatabase;

  /** The Athena work group (L1). */
  public readonly workGroup: athena.CfnWorkGroup;

  /**
   * The data the tables read, and whether a type is read through its `_all` view (an
   * organization): for `InventoryHistory`. Undefined when the props were refused.
   * @internal
   */
  public readonly _source?: {
    readonly bucket: s3.IBucket; readonly prefix?: string; readonly encryptionKey?: kms.IKey; readonly organization: boolean;
  };

  private readonly tables: Record<string, glue.CfnTable> = {};
  private readonly namedQueries: Record<string, athena.CfnNamedQuery> = {};

  constructor(scope: Construct, id: string, props: InventoryDatabaseProps = {}) {
    super(scope, id);
    props = props ?? {};
    const stack = Stack.of(this);
    const problems: string[] = [];
    const destination = this.destinationOf(props, problems);
    this.types = props.types ? [...props.types] : InventoryType.defaults();
    const typeProblems = checkTypes(this.types);
    problems.push(...typeProblems);
    const typesValid = typeProblems.length === 0;

    const listed = props.accounts?.accounts;
    if (listed !== undefined) {
      problems.push(...checkAccountIds(listed, 'accounts'));
      if (!Token.isUnresolved(listed) && listed.length === 0) {
        problems.push('accounts lists no account; list at least one, or use InventoryAccounts.organization().');
      }
    }
    const accountsOf = props.accounts
      ? (listed !== undefined ? () => listed : 'organization')
      : destination?.accounts ?? 'organization';
    const regions = props.regions ?? destination?.regions ?? defaultRegions(stack.region);
    if (props.regions !== undefined) {
      problems.push(...checkRegionList(props.regions, 'regions'));
      warnUnknownRegions(this, props.regions, 'regions');
    }
    // A cutoff or expiration with a problem is reported, and the default is used meanwhile.
    const cutoffProblems = checkBytesScannedCutoff(props.bytesScannedCutoffPerQuery);
    const expirationProblems = checkWholeDays(props.resultsExpiration, 'resultsExpiration');
    problems.push(
      ...checkDatabaseName(props.databaseName),
      ...checkWorkGroupName(props.workGroupName),
      ...cutoffProblems,
      ...expirationProblems,
      ...checkRemovalPolicy(props.removalPolicy, 'removalPolicy'),
    );

    this.databaseName = props.databaseName ?? Names.uniqueResourceName(this, { maxLength: 64, separator: '_' }).toLowerCase();
    this.workGroupName = props.workGroupName ?? Names.uniqueResourceName(this, { maxLength: 128, separator: '-' });
    const removalPolicy = props.removalPolicy === RemovalPolicy.DESTROY ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

    // The results: their own bucket and key, never the inventory's.
    this.resultsEncryptionKey = props.resultsEncryptionKey ?? new kms.Key(this, 'ResultsKey', {
      description: `Encrypts the Athena query results of ${this.node.path}`,
      enableKeyRotation: true,
      removalPolicy,
    });
    const resultsExpiration = expirationProblems.length === 0 ? props.resultsExpiration ?? Duration.days(30) : Duration.days(30);
    this.resultsBucket = new s3.Bucket(this, 'Results', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.resultsEncryptionKey,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{
        id: 'ExpireQueryResults',
        expiration: resultsExpiration,
        abortIncompleteMultipartUploadAfter: Duration.days(1),
      }],
      serverAccessLogsBucket: props.resultsServerAccessLogsBucket,
      removalPolicy,
    });

    const cutoff = cutoffProblems.length === 0 ? props.bytesScannedCutoffPerQuery ?? DEFAULT_CUTOFF : DEFAULT_CUTOFF;
    this.workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: this.workGroupName,
      description: `Queries of the AWS Systems Manager Inventory in the Glue database ${this.databaseName}`,
      state: 'ENABLED',
      // The named queries are part of this stack; without it the work group could not be deleted.
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        engineVersion: { selectedEngineVersion: ENGINE_VERSION },
        bytesScannedCutoffPerQuery: cutoff.toBytes(),
        publishCloudWatchMetricsEnabled: true,
        requesterPaysEnabled: false,
        resultConfiguration: {
          outputLocation: `s3://${this.resultsBucket.bucketName}/`,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: this.resultsEncryptionKey.keyArn },
        },
      },
    });
    this.workGroupArn = stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: this.workGroupName });

    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: {
        name: this.databaseName,
        description: 'AWS Systems Manager Inventory written by resource data sync, one table per inventory type',
      },
    });

    const organization = accountsOf === 'organization';
    if (destination && typesValid) {
      this._source = { bucket: destination.bucket, prefix: destination.prefix, encryptionKey: destination.encryptionKey, organization };
      const bucketName = destination.bucket.bucketName;
      const options: TableOptions = {
        root: `s3://${bucketName}/${destination.prefix ? `${destination.prefix}/` : ''}`,
        accounts: { accounts: accountsOf === 'organization' ? undefined : Lazy.string({ produce: () => unique(accountsOf()).join(',') }) },
        // A list known only at deploy time (a parameter's List<String>): joined there.
        regions: Token.isUnresolved(regions) ? Fn.join(',', regions) : unique(regions).join(','),
      };
      for (const type of this.types) {
        this.addTable(type.tableName, partitionedTable(type, options));
        if (organization) {
          // Every file of the type (the probe object too), and over it the view that queries read.
          const files = this.addTable(`${type.tableName}_files`, filesTable(type, options));
          // The view's definition as Athena writes it for CREATE VIEW (base64 JSON), in the catalog Athena names awsdatacatalog.
          const definition = {
            originalSql: allAccountsViewSql(type, options.regions),
            catalog: 'awsdatacatalog',
            schema: this.databaseName,
            columns: allAccountsViewColumns(type),
          };
          const text = Token.isUnresolved(definition.originalSql) || Token.isUnresolved(definition.schema)
            ? Fn.join('', ['/* Presto View: ', Fn.base64(stack.toJsonString(definition)), ' */'])
            : `/* Presto View: ${Buffer.from(JSON.stringify(definition)).toString('base64')} */`;
          this.addTable(`${type.tableName}_all`, allAccountsView(type, text)).node.addDependency(files);
        }
      }
      const from = organization ? fromAllAccountsView : fromPartitionedTable;
      const tableNames = this.types.map(t => t.tableName);
      for (const query of namedQuerySpecs()) {
        const namedQuery = addNamedQuery(this, query, { name: this.databaseName, workGroup: this.workGroup.ref }, tableNames, from);
        if (!namedQuery) continue;
        namedQuery.node.addDependency(this.database);
        this.namedQueries[query.id] = namedQuery;
      }
    }

    const data = destination
      ? InventoryDataGrants.fromDestination(destination.bucket, destination.prefix, destination.encryptionKey)
      : InventoryDataGrants.fromDestination(this.resultsBucket, 'no-destination');
    this.grants = InventoryQueryGrants.fromResources({
      workGroupArn: this.workGroupArn,
      catalogArns: [
        stack.formatArn({ service: 'glue', resource: 'catalog' }),
        stack.formatArn({ service: 'glue', resource: 'database', resourceName: this.databaseName }),
        stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${this.databaseName}/*` }),
      ],
      data,
      resultsBucket: this.resultsBucket,
    });

    // The accounts known now (a destination's sourceAccounts, or the listed ones).
    if (typeof accountsOf === 'function') this.warnLargeEnum(unique(accountsOf()), props.accounts !== undefined);
    this.node.addValidation({ validate: () => problems });
  }

  /**
   * Let `grantee` run the queries of this database and read their results: Athena on the work
   * group, Glue reads of the database and its tables, S3 read of the inventory data (and
   * `kms:Decrypt` on its key), S3 read and write of the results bucket (and its key). The same as
   * `grants.query(grantee)`.
   */
  public grantQuery(grantee: iam.IGrantable): iam.Grant {
    return this.grants.query(grantee);
  }

  /**
   * The Glue table (L1) of an inventory type; `allAccounts` for its `_all` view (organization: a
   * Glue table of type `VIRTUAL_VIEW`).
   *
   * @param allAccounts the `_all` view of an organization rather than the partitioned table
   */
  public tableFor(type: InventoryType, allAccounts?: boolean): glue.CfnTable | undefined {
    return this.tables[`${type.tableName}${allAccounts ? '_all' : ''}`];
  }

  /**
   * The named query (L1) with the given id (`managed-nodes`, `nodes-with-application`,
   * `nodes-missing-patches`, `noncompliant-by-severity`, `nodes-not-reporting`,
   * `nodes-per-account-and-region`), if its tables are made.
   */
  public namedQuery(id: string): athena.CfnNamedQuery | undefined {
    return this.namedQueries[id];
  }

  private addTable(name: string, tableInput: glue.CfnTable.TableInputProperty): glue.CfnTable {
    const table = new glue.CfnTable(this, `Table-${name}`, {
      catalogId: Stack.of(this).account,
      databaseName: this.databaseName,
      tableInput,
    });
    table.node.addDependency(this.database);
    this.tables[name] = table;
    return table;
  }

  /** An `enum` projection of more accounts than Athena advises: warn, with the design that scales. */
  private warnLargeEnum(accounts: string[], listed: boolean): void {
    if (Token.isUnresolved(accounts) || accounts.length <= MAX_LISTED_ACCOUNTS) return;
    Annotations.of(this).addWarningV2(WARN_LARGE_ENUM,
      `accountid is projected as an enum of ${accounts.length} accounts (${listed ? 'accounts' : 'the accounts the destination knows'}) in every table; ` +
      `Athena advises an enum projection of a few dozen values at most (more than ${MAX_LISTED_ACCOUNTS} here), and each query across all accounts lists ` +
      `${accounts.length} accounts x the Regions prefixes. Give accounts: InventoryAccounts.organization(): accountid is then injected (a query names its ` +
      'accounts) and each type gets an _all view for queries across all accounts.');
  }

  /** The destination from the props (exactly one of sync, inventoryBucket, bucket). */
  private destinationOf(props: InventoryDatabaseProps, problems: string[]): Destination | undefined {
    const given = [props.sync && 'sync', props.inventoryBucket && 'inventoryBucket', props.bucket && 'bucket'].filter(Boolean);
    if (given.length !== 1) {
      problems.push(`${given.length === 0 ? 'none' : given.join(' and ')} of sync, inventoryBucket and bucket ${given.length === 0 ? 'is' : 'are'} given; give exactly one: the sync, the InventoryBucket, or the bucket (with its prefix and key) whose Inventory the tables read.`);
      return undefined;
    }
    if (!props.bucket && (props.prefix !== undefined || props.encryptionKey !== undefined)) {
      problems.push(`prefix and encryptionKey are only for a bucket; the ${given[0]} gives its own. Leave them out.`);
    }
    if (props.sync) {
      const sync = props.sync;
      if (!sync.bucket) {
        problems.push(`sync ${sync.node.path} is a ${sync.syncType} sync, which writes no Inventory to S3; give a SyncToDestination sync.`);
        return undefined;
      }
      const writers = writersOfBucket(sync.bucket);
      const syncStack = Stack.of(sync);
      // A bucket only this sync's account writes into holds only this sync's Region (and others of the same account).
      const onlyItsAccount = !writers || (writers.organizationId === undefined && writers.accountList === undefined && writers.accounts.length <= 1);
      return {
        bucket: sync.bucket,
        prefix: sync.prefix,
        encryptionKey: sync.encryptionKey,
        accounts: writers ? accountsOfWriters(sync.bucket) : () => [syncStack.account],
        regions: onlyItsAccount && !Token.isUnresolved(syncStack.region) ? [syncStack.region] : regionsOfBucket(sync.bucket),
      };
    }
    if (props.inventoryBucket) {
      const destination = props.inventoryBucket;
      return {
        bucket: destination.bucket,
        prefix: destination.prefix,
        encryptionKey: destination.encryptionKey,
        accounts: accountsOfWriters(destination.bucket),
        regions: regionsOfBucket(destination.bucket),
      };
    }
    const bucket = props.bucket!;
    problems.push(...checkPrefix(props.prefix, 'prefix'));
    return {
      bucket,
      prefix: props.prefix,
      encryptionKey: props.encryptionKey ?? bucket.encryptionKey,
      accounts: accountsOfWriters(bucket),
      regions: regionsOfBucket(bucket),
    };
  }
}

/**
 * The accounts a destination of this library knows: an organization writes → organization();
 * otherwise its writers, listed when the app is synthesized (syncs added later count too).
 */
function accountsOfWriters(bucket: s3.IBucket): Destination['accounts'] {
  const writers = writersOfBucket(bucket);
  if (!writers) return undefined;
  if (writers.organizationId !== undefined || writers.accountList !== undefined) return 'organization';
  return () => writersOfBucket(bucket)!.accounts;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
