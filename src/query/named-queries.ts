import { aws_athena as athena } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { InventoryType } from './inventory-type';

/*
 * The named queries for the everyday questions (documented in the README, "Query the inventory").
 * Athena engine version 3 SQL; values come as execution parameters (`?`), never baked in.
 */

/** One named query. */
export interface NamedQuerySpec {
  /** Short id, also the end of the query's name. */
  readonly id: string;
  /** The question it answers (the query's description). */
  readonly question: string;
  /** The types whose tables it reads. */
  readonly types: InventoryType[];
  /** The SQL, given how each type is read. */
  readonly sql: (from: (type: InventoryType) => string) => string;
}

/*
 * Live nodes only: resource data sync never deletes a node's files ("Resource data syncs do not
 * remove JSON files from the specified S3 bucket"), and AWS advises filtering on InstanceStatus
 * (Active, ConnectionLost, Stopped, Terminated) to leave out terminated nodes. A node without an
 * InstanceStatus (or without an AWS:InstanceInformation record) is counted as live. Every query
 * shows the status, so stopped and connection-lost nodes are flagged, not hidden.
 */
export const LIVE = (n: string) => `coalesce(${n}.instancestatus, 'Active') <> 'Terminated'`;

/**
 * The named queries, made when a database is built (not when the module loads: see CONTRIBUTING.md,
 * "Mutation testing", on code run at load time).
 */
export function namedQuerySpecs(): NamedQuerySpec[] {
  const II = InventoryType.INSTANCE_INFORMATION;
  const APP = InventoryType.APPLICATION;
  const PATCH = InventoryType.PATCH_SUMMARY;
  const ITEM = InventoryType.COMPLIANCE_ITEM;
  return [
    {
      id: 'managed-nodes',
      question: 'Every managed node that is not terminated, with its platform, agent version, status (Active, Stopped, ConnectionLost) and last inventory capture time.',
      types: [II],
      sql: from => `SELECT n.accountid, n.region, n.instanceid, n.computername, n.platformtype, n.platformname, n.platformversion,
  n.agenttype, n.agentversion, n.instancestatus, n.capturetime
FROM ${from(II)} n
WHERE ${LIVE('n')}
ORDER BY n.accountid, n.region, n.instanceid`,
    },
    {
      id: 'nodes-with-application',
      question: 'Nodes (not terminated) that have an application: parameters are the name pattern and the version pattern (SQL LIKE, for example \'nginx%\' and \'%\' for any version); the name is matched without regard to case.',
      types: [APP, II],
      sql: from => `SELECT DISTINCT a.accountid, a.region, a.resourceid AS instanceid, n.computername, n.platformname, n.instancestatus, a.name, a.version
FROM ${from(APP)} a
LEFT JOIN ${from(II)} n ON n.instanceid = a.resourceid AND n.accountid = a.accountid AND n.region = a.region
WHERE lower(a.name) LIKE lower(?) AND coalesce(a.version, '') LIKE ? AND ${LIVE('n')}
ORDER BY a.accountid, a.region, instanceid, a.name, a.version`,
    },
    {
      id: 'nodes-missing-patches',
      question: 'Nodes (not terminated) missing patches, with failed installations or non-compliant patches, the worst first (critical, then security, then missing).',
      types: [PATCH, II],
      sql: from => `SELECT p.accountid, p.region, p.resourceid AS instanceid, n.computername, n.instancestatus, p.patchgroup, p.baselineid,
  p.noncompliantseverity, p.criticalnoncompliantcount, p.securitynoncompliantcount, p.othernoncompliantcount,
  p.missingcount, p.failedcount, p.installedpendingrebootcount, p.operationendtime
FROM ${from(PATCH)} p
LEFT JOIN ${from(II)} n ON n.instanceid = p.resourceid AND n.accountid = p.accountid AND n.region = p.region
WHERE (p.missingcount > 0 OR p.failedcount > 0 OR p.criticalnoncompliantcount > 0
  OR p.securitynoncompliantcount > 0 OR p.othernoncompliantcount > 0) AND ${LIVE('n')}
ORDER BY p.criticalnoncompliantcount DESC, p.securitynoncompliantcount DESC, p.missingcount DESC, p.accountid, p.region, instanceid`,
    },
    {
      id: 'noncompliant-by-severity',
      question: 'Non-compliant nodes (not terminated) by severity, for one compliance type: the parameter is the type (for example \'Patch\' or \'Association\').',
      types: [ITEM, II],
      sql: from => `SELECT c.accountid, c.region, c.resourceid AS instanceid, n.instancestatus, c.severity, count(*) AS noncompliantitems
FROM ${from(ITEM)} c
LEFT JOIN ${from(II)} n ON n.instanceid = c.resourceid AND n.accountid = c.accountid AND n.region = c.region
WHERE c.status = 'NON_COMPLIANT' AND c.compliancetype = ? AND ${LIVE('n')}
GROUP BY c.accountid, c.region, c.resourceid, n.instancestatus, c.severity
ORDER BY CASE upper(c.severity) WHEN 'CRITICAL' THEN 1 WHEN 'HIGH' THEN 2 WHEN 'MEDIUM' THEN 3 WHEN 'LOW' THEN 4
  WHEN 'INFORMATIONAL' THEN 5 ELSE 6 END, c.accountid, c.region, instanceid`,
    },
    {
      id: 'nodes-not-reporting',
      question: 'Nodes (not terminated) that have not reported inventory for N days or more: the parameter is N (a number, for example 7).',
      types: [II],
      sql: from => `SELECT n.accountid, n.region, n.instanceid, n.computername, n.instancestatus, n.capturetime,
  date_diff('day', from_iso8601_timestamp(n.capturetime), current_timestamp) AS dayssincecapture
FROM ${from(II)} n
WHERE ${LIVE('n')}
  AND date_diff('day', from_iso8601_timestamp(n.capturetime), current_timestamp) >= ?
ORDER BY n.capturetime, n.accountid, n.region, n.instanceid`,
    },
    {
      id: 'nodes-per-account-and-region',
      question: 'How many managed nodes (not terminated) each account has in each Region, by platform type; of them, how many are stopped or have lost their connection; terminated nodes counted apart.',
      types: [II],
      sql: from => `SELECT n.accountid, n.region, n.platformtype,
  count_if(${LIVE('n')}) AS nodes,
  count_if(n.instancestatus = 'Stopped') AS stoppednodes,
  count_if(n.instancestatus = 'ConnectionLost') AS connectionlostnodes,
  count_if(NOT ${LIVE('n')}) AS terminatednodes
FROM ${from(II)} n
GROUP BY n.accountid, n.region, n.platformtype
ORDER BY n.accountid, n.region, n.platformtype`,
    },
  ];
}

/** How a type is read with listed accounts: its partitioned table. */
export function fromPartitionedTable(type: InventoryType): string {
  return type.tableName;
}

/**
 * How a type is read for an organization: its `_all` view (every account, the projected Regions,
 * the account and Region from the key, never the probe object).
 */
export function fromAllAccountsView(type: InventoryType): string {
  return `${type.tableName}_all`;
}

/**
 * The named query of `query` in a database's work group (`<database>-<id>`), or none when a table it
 * reads is not made (`tableNames`).
 */
export function addNamedQuery(scope: Construct, query: NamedQuerySpec, database: { readonly name: string; readonly workGroup: string },
  tableNames: string[], from: (type: InventoryType) => string): athena.CfnNamedQuery | undefined {
  if (!query.types.every(t => tableNames.includes(t.tableName))) return undefined;
  return new athena.CfnNamedQuery(scope, `Query-${query.id}`, {
    name: `${database.name}-${query.id}`,
    description: query.question,
    database: database.name,
    workGroup: database.workGroup,
    queryString: query.sql(from),
  });
}
