// Custom resource handler: a resource data sync made with the SSM API (CreateResourceDataSync), for
// the fields AWS::SSM::ResourceDataSync lacks. Shipped inline (CloudFormation ZipFile, at most 4096
// characters once whole-line comments and indentation are stripped): no asset, no dependency but
// the AWS SDK v3 of the Node.js Lambda runtime. Only whole-line comments; no template literals.
// Properties are the API request (SyncName, SyncType, S3Destination, SyncSource); the physical id
// is the sync name. Tested in test/api-sync/handler.test.ts against the stripped code, and through
// CloudFormation's event sequences (rollbacks included) in test/lifecycle/.
const S = require('@aws-sdk/client-ssm');
const F = require('@aws-sdk/client-cloudformation');
const ssm = new S.SSMClient({ maxAttempts: 8 });
const cfn = new F.CloudFormationClient({ maxAttempts: 8 });
// Poll ListResourceDataSync after create: 6 times, 10 s apart (as the CloudFormation resource does).
exports.polls = 6;
exports.delay = 10000;
const sleep = ms => new Promise(r => setTimeout(r, ms));
const call = (verb, input) => ssm.send(new S[verb + 'ResourceDataSyncCommand'](input));

// CloudFormation passes every boolean of a custom resource's properties as a string.
function request(props) {
  const r = Object.assign({}, props);
  delete r.ServiceToken;
  delete r.ServiceTimeout;
  const s = r.SyncSource;
  if (s) {
    r.SyncSource = Object.assign({}, s);
    for (const k of ['IncludeFutureRegions', 'EnableAllOpsDataSources']) {
      if (k in s) r.SyncSource[k] = String(s[k]) === 'true';
    }
  }
  return r;
}
exports.request = request;

// Keys sorted (JSON leaves undefined out): a request and a listed sync compare as JSON.
const json = x => JSON.stringify(x, (_, v) => v && v.constructor === Object ? Object.keys(v).sort().reduce((o, k) => (o[k] = v[k], o), {}) : v);
const same = (a, b) => json(a) === json(b);
// What UpdateResourceDataSync cannot change: everything but the source's Regions, OUs and flags.
const fixed = x => {
  const s = x.SyncSource || {};
  return [x.SyncName, x.SyncType, x.S3Destination, s.SourceType, (s.AwsOrganizationsSource || {}).OrganizationSourceType];
};

async function find(name, type) {
  let NextToken;
  do {
    const out = await call('List', { SyncType: type, MaxResults: 50, NextToken });
    const item = (out.ResourceDataSyncItems || []).find(i => i.SyncName === name);
    if (item) return item;
    NextToken = out.NextToken;
  } while (NextToken);
}

async function remove(name, type) {
  try {
    await call('Delete', { SyncName: name, SyncType: type });
  } catch (e) {
    if (e.name !== 'ResourceDataSyncNotFoundException') throw e;
  }
}

// Creates the sync and waits for its first status, so that a sync that fails fails the deploy. A
// sync made here that then fails is deleted here; one that cannot be is named in the error (kept).
async function create(r) {
  // The service test-writes to the bucket: a just-made bucket policy may need a minute to apply.
  for (let i = 0; ; i++) {
    try {
      await call('Create', r);
      break;
    } catch (e) {
      if (i >= exports.polls || !/S3 write failed/.test(e.message)) throw e;
      await sleep(exports.delay);
    }
  }
  try {
    for (let i = 0; i < exports.polls; i++) {
      await sleep(exports.delay);
      // A poll that fails (throttled past the SDK's retries) is no answer yet: poll again.
      const item = await find(r.SyncName, r.SyncType).catch(() => undefined);
      const status = item && item.LastStatus;
      if (status === 'Failed') throw new Error('The first sync failed: ' + item.LastSyncStatusMessage);
      if (status === 'Successful' || status === 'InProgress' || (item && r.SyncType === 'SyncFromSource')) return 'status ' + status;
    }
    return 'no status yet';
  } catch (e) {
    await remove(r.SyncName, r.SyncType).catch(() => { e.kept = r.SyncName; });
    throw e;
  }
}

// The source of an Explorer sync, as the request says (UpdateResourceDataSync, SyncFromSource only).
const source = r => r.SyncType === 'SyncFromSource' && call('Update', { SyncName: r.SyncName, SyncType: r.SyncType, SyncSource: r.SyncSource });

const rollingBack = async event => /ROLLBACK_IN_PROGRESS$/.test((await cfn.send(new F.DescribeStacksCommand({ StackName: event.StackId }))).Stacks[0].StackStatus);

async function update(event, r, old, id) {
  if (same(r, old)) return id;
  // The sync keeps its name (or, in the rollback of a replacement that failed, the physical id is
  // still its name). What UpdateResourceDataSync cannot change must be as the sync is: in a rollback
  // it is, since the update changed nothing.
  if (r.SyncName === old.SyncName || id === r.SyncName) {
    const item = await find(r.SyncName, r.SyncType);
    // Deleted outside CloudFormation: made again, as the template says.
    if (!item) {
      await create(r);
      return id;
    }
    if (!same(fixed(item), fixed(r))) {
      throw new Error('This change replaces sync ' + r.SyncName + ': give it a new syncName.');
    }
    await source(r);
    return id;
  }
  // The rollback of a replacement that succeeded: the old sync is deleted only once the update is
  // complete, so it still exists. Taken back only in a rollback, and only if it is the same sync.
  try {
    await create(r);
  } catch (e) {
    if (e.name !== 'ResourceDataSyncAlreadyExistsException' || !(await rollingBack(event))) throw e;
    const item = await find(r.SyncName, r.SyncType);
    if (!item || !same(fixed(item), fixed(r))) throw e;
    await source(r);
  }
  return r.SyncName;
}

// The response: a PUT of the documented JSON body to the presigned URL (the runtime's fetch).
exports.respond = (event, status, id, reason) => fetch(event.ResponseURL, {
  method: 'PUT',
  headers: { 'content-type': '' },
  body: JSON.stringify({
    Status: status, Reason: String(reason).slice(0, 900), PhysicalResourceId: id,
    StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId,
    Data: { SyncName: id },
  }),
});

exports.handler = async event => {
  console.log(event.RequestType, JSON.stringify(event.ResourceProperties));
  const r = request(event.ResourceProperties);
  // A failed create reports an id that is no sync name: the Delete of its rollback deletes nothing.
  let id = event.PhysicalResourceId || 'failed-' + event.RequestId;
  try {
    let reason = 'OK';
    if (event.RequestType === 'Create') {
      reason = await create(r);
      id = r.SyncName;
    } else if (event.RequestType === 'Update') {
      id = await update(event, r, request(event.OldResourceProperties), id);
    } else if (!id.startsWith('failed-')) {
      await remove(id, r.SyncType);
    }
    await exports.respond(event, 'SUCCESS', id, reason);
  } catch (e) {
    console.log(e);
    // A sync this create made and could not delete: named, so that the rollback's Delete deletes it.
    if (e.kept && event.RequestType === 'Create') id = e.kept;
    await exports.respond(event, 'FAILED', id, e.name + ': ' + e.message + (e.kept ? ' (' + e.kept + ' left behind: delete it)' : ''));
  }
};
