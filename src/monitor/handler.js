// Sync health monitor: reads the status of the resource data syncs of this account and Region
// (ListResourceDataSync, both sync types, every page) and publishes CloudWatch metrics. Shipped
// inline (CloudFormation ZipFile, at most 4096 characters once whole-line comments and indentation
// are stripped): no asset, no dependency but the AWS SDK v3 of the Node.js Lambda runtime. Only
// whole-line comments; no template literals. Tested in test/monitor/handler.test.ts.
// Environment: NAMESPACE; SYNC_NAMES (JSON list, empty for all syncs); PER_SYNC ("true" for
// per-sync metrics too); REPORT (optional, JSON {bucket, region, key, account}: every sync of the
// account and Region, watched or not, is also written there as JSON lines: the sync slots report
// of an OrganizationInventory member).
const S = require('@aws-sdk/client-ssm');
const C = require('@aws-sdk/client-cloudwatch');
const ssm = new S.SSMClient({});
const cw = new C.CloudWatchClient({});
exports.sleep = ms => new Promise(r => setTimeout(r, ms));
// States of an organization Explorer sync that mean it cannot sync (ResourceDataSyncSourceWithState).
const BAD_STATES = ['OrganizationNotExists', 'NoPermissions', 'InvalidOrganizationalUnit', 'TrustedAccessDisabled'];

// The SDK retries throttling too; this adds patience (5 tries, 0.5 s to 8 s apart) on top.
async function retry(call) {
  for (let i = 0; ; i++) {
    try {
      return await call();
    } catch (e) {
      if (i >= 4 || !/Throttl|TooManyRequests|RequestLimitExceeded/.test(e.name)) throw e;
      await exports.sleep(500 * Math.pow(2, i));
    }
  }
}

async function list(type) {
  const items = [];
  let NextToken;
  do {
    const out = await retry(() => ssm.send(new S.ListResourceDataSyncCommand({ SyncType: type, MaxResults: 50, NextToken })));
    items.push(...(out.ResourceDataSyncItems || []).map(i => Object.assign({ SyncType: type }, i)));
    NextToken = out.NextToken;
  } while (NextToken);
  return items;
}

// A sync's health: failed (last status Failed, or an organization source that cannot sync), and
// for an Inventory sync the hours since its last successful sync (since its creation if none).
function health(item, now) {
  const failed = item.LastStatus === 'Failed' || BAD_STATES.includes((item.SyncSource || {}).State);
  const since = item.LastSuccessfulSyncTime || item.SyncCreatedTime;
  const hours = item.SyncType === 'SyncToDestination' && since ? Math.max(0, (now - new Date(since)) / 3600000) : undefined;
  return { name: item.SyncName, type: item.SyncType, status: item.LastStatus || 'None', failed, hours };
}
exports.health = health;

exports.handler = async () => {
  const env = process.env;
  const wanted = env.SYNC_NAMES ? JSON.parse(env.SYNC_NAMES) : [];
  const now = Date.now();
  const all = (await list('SyncToDestination')).concat(await list('SyncFromSource'));
  const items = all.filter(i => wanted.length === 0 || wanted.includes(i.SyncName));
  const syncs = items.map(i => health(i, now));
  const ages = syncs.filter(s => s.hours !== undefined).map(s => s.hours);
  const data = [{ MetricName: 'FailedSyncs', Value: syncs.filter(s => s.failed).length, Unit: 'Count' }];
  // A sync that is listed but not found is a sync that is gone: count it as failed.
  const missing = wanted.filter(n => !items.some(i => i.SyncName === n));
  data[0].Value += missing.length;
  if (ages.length > 0) data.push({ MetricName: 'HoursSinceLastSuccessfulSync', Value: Math.max(...ages), Unit: 'None' });
  if (env.PER_SYNC === 'true') {
    for (const s of syncs) {
      const Dimensions = [{ Name: 'SyncName', Value: s.name }];
      data.push({ MetricName: 'SyncFailed', Dimensions, Value: s.failed ? 1 : 0, Unit: 'Count' });
      if (s.hours !== undefined) data.push({ MetricName: 'HoursSinceLastSuccessfulSync', Dimensions, Value: s.hours, Unit: 'None' });
    }
    for (const n of missing) data.push({ MetricName: 'SyncFailed', Dimensions: [{ Name: 'SyncName', Value: n }], Value: 1, Unit: 'Count' });
  }
  for (let i = 0; i < data.length; i += 500) {
    await retry(() => cw.send(new C.PutMetricDataCommand({ Namespace: env.NAMESPACE, MetricData: data.slice(i, i + 500) })));
  }
  if (env.REPORT) {
    const r = JSON.parse(env.REPORT);
    const B = require('@aws-sdk/client-s3');
    const rows = all.map(i => Object.assign({ accountid: r.account, region: env.AWS_REGION, inuse: all.length, checkedat: new Date(now).toISOString() }, health(i, now)));
    const Body = rows.map(x => JSON.stringify(x)).join('\n');
    await retry(() => new B.S3Client({ region: r.region }).send(new B.PutObjectCommand({ Bucket: r.bucket, Key: r.key, Body })));
  }
  const result = { syncs, missing };
  console.log(JSON.stringify(result));
  return result;
};
