/*
 * jest setup of `npx projen test:compat` (scripts/compat.js), run before each test file.
 *
 * The tests build apps with `cxapi.CURRENTLY_RECOMMENDED_FLAGS` (the flags `cdk init` writes).
 * A newer aws-cdk-lib recommends more flags, and some change aws-cdk-lib's own output (for example
 * `@aws-cdk/core:defaultCrossStackReferences` writes `Fn::GetStackOutput` instead of
 * `Fn::ImportValue`). Here every version gets the flags recommended by the aws-cdk-lib in
 * devDependencies, as an app keeps the cdk.json it was made with when it upgrades aws-cdk-lib:
 * the templates are then comparable with the committed snapshots.
 */
const cxapi = require('aws-cdk-lib/cx-api');
const flags = globalThis.CDK_COMPAT.devFlags;
const recommended = cxapi.CURRENTLY_RECOMMENDED_FLAGS;
for (const key of Object.keys(recommended)) {
  if (!(key in flags)) delete recommended[key];
}
Object.assign(recommended, flags);
