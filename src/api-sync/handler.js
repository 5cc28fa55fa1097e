// Custom resource handler: a resource data sync made with the SSM API (CreateResourceDataSync), for
// the fields AWS::SSM::ResourceDataSync lacks. Shipped inline (CloudFormation ZipFile, at most 4096
// characters once whole-line comments and indentation are stripped): no asset, no dependency but
// the AWS SDK v3 of the Node.js Lambda runtime. Only whole-line comments; no template literals.
// Properties are the API request (SyncName, SyncType, S3Destination, SyncSource); the physical id
// is the sync name. Tested in test/api-sync/handler.test.ts against the stripped code.
const https = require('https');
const S = require('@aws-sdk/client-ssm');
const ssm = new S.SSMClient({ maxAttempts: 8 });
// Poll ListResourceDataSync after create: 6 times, 10 s apart (as the CloudFormation resource does).
exports.polls = 6;
exports.delay = 10000;
const sleep = ms => new Promise(r => setTimeout(r, ms));

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

async function find(name, type) {
  let NextToken;
  do {
    const out = await ssm.send(new S.ListResourceDataSyncCommand({ SyncType: type, MaxResults: 50, NextToken }));
    const item = (out.ResourceDataSyncItems || []).find(i => i.SyncName === name);
    if (item) return item;
    NextToken = out.NextToken;
  } while (NextToken);
  return undefined;
}

async function remove(name, type) {
  try {
    await ssm.send(new S.DeleteResourceDataSyncCommand({ SyncName: name, SyncType: type }));
  } catch (e) {
    if (e.name !== 'ResourceDataSyncNotFoundException') throw e;
  }
}

async function create(r) {
  // The service test-writes to the bucket: a just-made bucket policy may need a minute to apply.
  for (let i = 0; ; i++) {
    try {
      await ssm.send(new S.CreateResourceDataSyncCommand(r));
      break;
    } catch (e) {
      if (i >= exports.polls || !/S3 write failed/.test(e.message)) throw e;
      await sleep(exports.delay);
    }
  }
  // Wait for the first status, so that a sync that fails fails the deployment (and is deleted).
  for (let i = 0; i < exports.polls; i++) {
    await sleep(exports.delay);
    const item = await find(r.SyncName, r.SyncType);
    const status = item && item.LastStatus;
    if (status === 'Failed') {
      await remove(r.SyncName, r.SyncType);
      throw new Error('The first sync failed: ' + item.LastSyncStatusMessage);
    }
    if (status === 'Successful' || status === 'InProgress' || (item && r.SyncType === 'SyncFromSource')) return 'status ' + status;
  }
  return 'no status yet';
}

async function update(r, old, physicalId) {
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  // What UpdateResourceDataSync cannot change: everything but the source's Regions, OUs and flags.
  const rest = x => {
    const s = x.SyncSource || {};
    return [x.SyncName, x.SyncType, x.S3Destination, s.SourceType, (s.AwsOrganizationsSource || {}).OrganizationSourceType];
  };
  if (same(r, old)) return physicalId;
  if (r.SyncType === 'SyncFromSource' && same(rest(r), rest(old))) {
    await ssm.send(new S.UpdateResourceDataSyncCommand({ SyncName: r.SyncName, SyncType: r.SyncType, SyncSource: r.SyncSource }));
    return physicalId;
  }
  if (r.SyncName === old.SyncName) {
    throw new Error('This change replaces sync ' + r.SyncName + ': give it a new syncName (the new sync is created before the old one is deleted).');
  }
  await create(r);
  return r.SyncName;
}

function respond(event, status, physicalId, reason) {
  const body = JSON.stringify({
    Status: status, Reason: String(reason).slice(0, 900), PhysicalResourceId: physicalId,
    StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId,
    Data: { SyncName: physicalId },
  });
  return new Promise((resolve, reject) => {
    const req = https.request(event.ResponseURL, { method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) } }, res => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
    req.end(body);
  });
}
exports.respond = respond;

exports.handler = async event => {
  console.log(event.RequestType, JSON.stringify(event.ResourceProperties));
  const r = request(event.ResourceProperties);
  // A failed create reports an id that is no sync name: the Delete of its rollback deletes nothing.
  const failedId = 'failed-' + event.RequestId;
  let id = event.PhysicalResourceId || failedId;
  try {
    let reason = 'OK';
    if (event.RequestType === 'Create') {
      reason = await create(r);
      id = r.SyncName;
    } else if (event.RequestType === 'Update') {
      id = await update(r, request(event.OldResourceProperties), id);
    } else if (!id.startsWith('failed-')) {
      await remove(id, r.SyncType);
    }
    await exports.respond(event, 'SUCCESS', id, reason);
  } catch (e) {
    console.log(e);
    await exports.respond(event, 'FAILED', id, e.name + ': ' + e.message);
  }
};
