// Organization coverage census, run in the central account: which accounts and Regions of the
// organization (or of the target OUs) have not written Inventory into the central bucket, since
// when, and why (the StackSet's stack instance). Shipped inline (CloudFormation ZipFile, at most
// 4096 characters once whole-line comments and indentation are stripped): no asset, no dependency
// but the AWS SDK v3 of the Node.js Lambda runtime. Only whole-line comments; no template literals;
// short names where the limit needs them, each explained in a comment. Tested in
// test/organization/coverage-handler.test.ts.
// Environment: CONFIG, a JSON object: bucket, prefix ("" or "p/"), targets (OU or root ids),
// regions, mgmt (the management account's id), mgmtRegions (its Regions with a sync), optIn (the opt-in Regions
// among regions), stackSet, callAs, staleHours, graceHours, namespace, perAccount (boolean).
// The SDK module of service `n`, with its client as `c` (client class `k`).
function sdk(n, k) {
  const M = require('@aws-sdk/client-' + n);
  M.c = new M[k + 'Client']({});
  return M;
}
const O = sdk('organizations', 'Organizations');
const S = sdk('s3', 'S3');
const F = sdk('cloudformation', 'CloudFormation');
const C = sdk('cloudwatch', 'CloudWatch');
const A = sdk('account', 'Account');
const iso = t => new Date(t).toISOString();
exports.sleep = ms => new Promise(r => setTimeout(r, ms));

// One call of operation `op` of SDK module `M`. The SDK retries throttling too; this adds
// patience (5 tries, 0.5 s to 8 s apart) on top.
async function call(M, op, input) {
  for (let i = 0; ; i++) {
    try {
      return await M.c.send(new M[op + 'Command'](input));
    } catch (e) {
      if (i >= 4 || !/Throttl|TooMany|LimitExceeded|SlowDown/.test(e.name)) throw e;
      await exports.sleep(500 * 2 ** i);
    }
  }
}

// Every page: the items under `key`; the token goes in as `tin`, comes out as `tout` (NextToken by
// default). Organizations can answer an empty page with a NextToken: it is followed anyway.
async function pages(M, op, input, key, tin, tout) {
  const items = [];
  let token;
  do {
    const out = await call(M, op, { ...input, [tin || 'NextToken']: token });
    items.push(...(out[key] || []));
    token = out[tout || 'NextToken'];
  } while (token);
  return items;
}

// The accounts of the targets: the whole organization for a root, else each OU and the OUs under
// it (`q`, the OUs still to read; `f`, the accounts found).
async function accounts(targets) {
  if (targets.some(t => t.startsWith('r-'))) return pages(O, 'ListAccounts', {}, 'Accounts');
  const f = [];
  for (const q = targets.slice(); q.length;) {
    const ParentId = q.shift();
    f.push(...await pages(O, 'ListAccountsForParent', { ParentId }, 'Accounts'));
    q.push(...(await pages(O, 'ListOrganizationalUnitsForParent', { ParentId }, 'OrganizationalUnits')).map(u => u.Id));
  }
  return [...new Map(f.map(a => [a.Id, a])).values()];
}

// The newest write (ms) per Region of account `id`, from the keys
// <prefix>AWS:InstanceInformation/accountid=<id>/region=<r>/... (`t`: the newest time by Region).
async function newest(g, id) {
  const t = {};
  const Prefix = g.prefix + 'AWS:InstanceInformation/accountid=' + id + '/';
  for (const o of await pages(S, 'ListObjectsV2', { Bucket: g.bucket, Prefix }, 'Contents', 'ContinuationToken', 'NextContinuationToken')) {
    const r = (o.Key.split('/region=')[1] || '').split('/')[0];
    const ms = +o.LastModified;
    if (r && !(t[r] >= ms)) t[r] = ms;
  }
  return t;
}

// The report rows of account `a`: one per expected Region, or one for the account when none is
// expected or it is not ACTIVE. `g` is the configuration, `si` the stack instances by
// "account/Region", `now` the time of the run (ms).
async function rowsOf(g, a, si, now) {
  const state = a.State || a.Status;
  const regions = a.Id === g.mgmt ? g.mgmtRegions : g.regions;
  const joined = new Date(a.JoinedTimestamp || 0);
  const base = { accountid: a.Id, state, joined: iso(joined) };
  // Suspended, closing or closed: listed, never silent, not read.
  if (state !== 'ACTIVE') return [{ ...base, status: 'INACTIVE' }];
  if (regions.length === 0) return [{ ...base, status: 'NOT_TARGETED' }];
  const t = await newest(g, a.Id);
  const rows = [];
  for (const region of regions) {
    const last = t[region];
    const age = last ? (now - last) / 36e5 : null;
    const row = {
      ...base, region, lastwrite: last ? iso(last) : null, agehours: age, instance: si[a.Id + '/' + region],
      status: last && age <= g.staleHours ? 'REPORTING' : now - joined < g.graceHours * 36e5 ? 'NEW' : 'SILENT',
    };
    // A silent opt-in Region: is it enabled in the account at all?
    if (row.status === 'SILENT' && g.optIn.includes(region)) {
      row.optin = await call(A, 'GetRegionOptStatus', { AccountId: a.Id, RegionName: region })
        .then(o => o.RegionOptStatus, e => 'unknown: ' + e.name);
      if (/^DISABL/.test(row.optin)) row.status = 'REGION_DISABLED';
    }
    rows.push(row);
  }
  return rows;
}

exports.handler = async () => {
  const g = JSON.parse(process.env.CONFIG);
  const now = Date.now();
    const si = {};
    for (const i of await pages(F, 'ListStackInstances', { StackSetName: g.stackSet, CallAs: g.callAs }, 'Summaries')) si[i.Account + '/' + i.Region] = i;
  const rows = [];
  const list = await accounts(g.targets);
  for (const a of list) rows.push(...await rowsOf(g, a, si, now));
  // The silent rows, the accounts with one (`sa`), the accounts with none but a reporting one (`ok`).
  const silent = rows.filter(r => r.status === 'SILENT');
  const sa = new Set(silent.map(r => r.accountid));
  const ok = new Set(rows.filter(r => r.status === 'REPORTING' && !sa.has(r.accountid)).map(r => r.accountid));
  // m(name, value, account): a metric datum, with an AccountId dimension for an account.
  const m = (MetricName, Value, id) => ({ MetricName, Value, Dimensions: id ? [{ Name: 'AccountId', Value: id }] : undefined });
  // The age of the oldest newest write of the rows `rs` that ever wrote.
  const age = rs => Math.max(...rs.filter(r => r.lastwrite).map(r => r.agehours));
  const data = [m('SilentAccounts', sa.size), m('SilentAccountRegions', silent.length), m('ReportingAccounts', ok.size)];
  if (rows.some(r => r.lastwrite)) data.push(m('MaxDataAgeHours', age(rows)));
  if (g.perAccount) {
    for (const id of new Set(rows.filter(r => r.region).map(r => r.accountid))) {
      const own = rows.filter(r => r.accountid === id);
      data.push(m('SilentRegions', own.filter(r => r.status === 'SILENT').length, id));
      if (own.some(r => r.lastwrite)) data.push(m('DataAgeHours', age(own), id));
    }
  }
  for (let i = 0; i < data.length; i += 500) await call(C, 'PutMetricData', { Namespace: g.namespace, MetricData: data.slice(i, i + 500) });
  // The report: one JSON object per line (account and Region), for Athena.
  const Body = rows.map(r => JSON.stringify({ ...r, checkedat: iso(now) })).join('\n');
  await call(S, 'PutObject', { Bucket: g.bucket, Key: g.prefix + 'coverage/report.json', Body });
  console.log(JSON.stringify(data));
};
