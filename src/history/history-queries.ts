import { historyTableName, SNAPSHOT_DATE } from './history-table';
import { InventoryType } from '../query/inventory-type';
import { LIVE, NamedQuerySpec } from '../query/named-queries';

/*
 * The change queries over the history tables (documented in the README, "Inventory history").
 * Athena engine version 3 SQL; dates and patterns come as execution parameters (`?`), a date as
 * text ('2026-11-02'). Live nodes only where it matters, as the current-state queries do: a node
 * counts on a day unless its AWS:InstanceInformation record of that day says Terminated (the sync
 * keeps a terminated node's files, so every later snapshot repeats them).
 */

const II = InventoryType.INSTANCE_INFORMATION;
const APP = InventoryType.APPLICATION;
const APPS = historyTableName(APP);
const NODES = historyTableName(II);

/** The node's AWS:InstanceInformation record of the same day (a, the application row). */
const SAME_DAY_NODE = `LEFT JOIN ${NODES} n ON n.${SNAPSHOT_DATE} = a.${SNAPSHOT_DATE} AND n.accountid = a.accountid AND n.region = a.region
  AND n.instanceid = a.resourceid`;

export const HISTORY_QUERIES: NamedQuerySpec[] = [
  {
    id: 'history-application-changes',
    question: 'What changed between two snapshot days, per node (not terminated) and application: appeared, disappeared (removed, or the node was terminated: see secondstatus) '
      + 'or version changed. Parameters: the first and the second day (\'2026-11-01\', \'2026-11-02\').',
    types: [APP, II],
    sql: () => `WITH days AS (SELECT CAST(? AS date) AS first_day, CAST(? AS date) AS second_day),
live AS (
  SELECT a.${SNAPSHOT_DATE}, a.accountid, a.region, a.resourceid, a.name,
    array_join(array_sort(array_distinct(array_agg(coalesce(a.version, '')))), ', ') AS versions
  FROM ${APPS} a
  CROSS JOIN days
  ${SAME_DAY_NODE}
  WHERE a.${SNAPSHOT_DATE} IN (days.first_day, days.second_day) AND ${LIVE('n')}
  GROUP BY a.${SNAPSHOT_DATE}, a.accountid, a.region, a.resourceid, a.name
),
before AS (SELECT l.* FROM live l CROSS JOIN days WHERE l.${SNAPSHOT_DATE} = days.first_day),
after AS (SELECT l.* FROM live l CROSS JOIN days WHERE l.${SNAPSHOT_DATE} = days.second_day),
status AS (SELECT n.accountid, n.region, n.instanceid, n.instancestatus FROM ${NODES} n CROSS JOIN days WHERE n.${SNAPSHOT_DATE} = days.second_day)
SELECT c.accountid, c.region, c.instanceid, c.name, c.change, c.firstversions, c.secondversions, s.instancestatus AS secondstatus
FROM (
  SELECT coalesce(b.accountid, f.accountid) AS accountid, coalesce(b.region, f.region) AS region,
    coalesce(b.resourceid, f.resourceid) AS instanceid, coalesce(b.name, f.name) AS name,
    CASE WHEN b.name IS NULL THEN 'appeared' WHEN f.name IS NULL THEN 'disappeared' ELSE 'version changed' END AS change,
    b.versions AS firstversions, f.versions AS secondversions
  FROM before b
  FULL OUTER JOIN after f ON f.accountid = b.accountid AND f.region = b.region AND f.resourceid = b.resourceid AND f.name = b.name
  WHERE b.name IS NULL OR f.name IS NULL OR f.versions <> b.versions
) c
LEFT JOIN status s ON s.accountid = c.accountid AND s.region = c.region AND s.instanceid = c.instanceid
ORDER BY c.accountid, c.region, c.instanceid, c.name`,
  },
  {
    id: 'history-application-first-seen',
    question: 'When an application (name and version patterns, SQL LIKE; the name without regard to case) was first and last seen on each node while the node was not terminated. '
      + 'A first day equal to firstsnapshot means it was there when the history began.',
    types: [APP, II],
    sql: () => `SELECT a.accountid, a.region, a.resourceid AS instanceid, a.name,
  min(a.${SNAPSHOT_DATE}) AS firstseen, min_by(a.version, a.${SNAPSHOT_DATE}) AS firstversion,
  max(a.${SNAPSHOT_DATE}) AS lastseen, max_by(a.version, a.${SNAPSHOT_DATE}) AS lastversion,
  min(a.installedtime) AS installedtime,
  (SELECT min(${SNAPSHOT_DATE}) FROM ${NODES}) AS firstsnapshot
FROM ${APPS} a
${SAME_DAY_NODE}
WHERE lower(a.name) LIKE lower(?) AND coalesce(a.version, '') LIKE ? AND ${LIVE('n')}
GROUP BY a.accountid, a.region, a.resourceid, a.name
ORDER BY firstseen, a.accountid, a.region, instanceid, a.name`,
  },
  {
    id: 'history-nodes-with-application-on-date',
    question: 'Nodes (not terminated on that day) that had an application on a given day. Parameters: the day (\'2026-11-02\'), the name pattern and the version pattern '
      + '(SQL LIKE; the name without regard to case).',
    types: [APP, II],
    sql: () => `SELECT DISTINCT a.accountid, a.region, a.resourceid AS instanceid, n.computername, n.instancestatus, a.name, a.version
FROM ${APPS} a
${SAME_DAY_NODE}
WHERE a.${SNAPSHOT_DATE} = CAST(? AS date) AND lower(a.name) LIKE lower(?) AND coalesce(a.version, '') LIKE ? AND ${LIVE('n')}
ORDER BY a.accountid, a.region, instanceid, a.name, a.version`,
  },
  {
    id: 'history-daily-nodes-per-account',
    question: 'For a trend: per snapshot day and account, the nodes that are not terminated and the terminated ones still in the data. Parameters: the first and the last day. '
      + 'A day without a snapshot has no row (history-snapshot-days lists it).',
    types: [II],
    sql: () => `SELECT n.${SNAPSHOT_DATE}, n.accountid,
  count_if(${LIVE('n')}) AS nodes,
  count_if(NOT ${LIVE('n')}) AS terminatednodes
FROM ${NODES} n
WHERE n.${SNAPSHOT_DATE} BETWEEN CAST(? AS date) AND CAST(? AS date)
GROUP BY n.${SNAPSHOT_DATE}, n.accountid
ORDER BY n.${SNAPSHOT_DATE}, n.accountid`,
  },
];

/**
 * Every day from the first snapshot to the last, with the records each history table holds for
 * it: a missed day is a row with `missed` true, never filled in.
 */
export function snapshotDaysQuery(types: InventoryType[]): NamedQuerySpec {
  const counts = types.map(t => `SELECT ${SNAPSHOT_DATE}, '${historyTableName(t)}' AS historytable, count(*) AS records FROM ${historyTableName(t)} GROUP BY ${SNAPSHOT_DATE}`);
  return {
    id: 'history-snapshot-days',
    question: 'Every day from the first snapshot to the last: how many history tables have records for it and how many records; a missed day has missed = true.',
    types,
    sql: () => `WITH snapshots AS (
  ${counts.join('\n  UNION ALL\n  ')}
),
calendar AS (
  SELECT day FROM (SELECT sequence(min(${SNAPSHOT_DATE}), max(${SNAPSHOT_DATE})) AS days FROM snapshots) CROSS JOIN UNNEST(days) AS t(day)
)
SELECT c.day AS ${SNAPSHOT_DATE}, count(s.historytable) AS tables, coalesce(sum(s.records), 0) AS records, count(s.historytable) = 0 AS missed
FROM calendar c
LEFT JOIN snapshots s ON s.${SNAPSHOT_DATE} = c.day
GROUP BY c.day
ORDER BY c.day`,
  };
}
