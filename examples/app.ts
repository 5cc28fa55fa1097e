/**
 * The example app: synthesizes every example stack into cdk.out/ (or $CDK_OUTDIR) and prints what
 * it made. Run it with `npx projen example`.
 */
import * as fs from 'fs';
import { App } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { addExampleStacks } from './stacks';

const app = new App({
  outdir: process.env.CDK_OUTDIR ?? 'cdk.out',
  context: {
    ...cxapi.CURRENTLY_RECOMMENDED_FLAGS,
    // What `-c centralKeyArn=...` gives a real app: the KeyArn output of the deployed central stack.
    centralKeyArn: 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  },
});
addExampleStacks(app);
const assembly = app.synth();

console.log(`Synthesized ${assembly.stacks.length} stacks into ${assembly.directory}/`);
for (const stack of assembly.stacks) {
  const resources = Object.values<{ Type: string }>(stack.template.Resources ?? {});
  const types = new Map<string, number>();
  for (const r of resources) types.set(r.Type, (types.get(r.Type) ?? 0) + 1);
  const bytes = fs.statSync(`${assembly.directory}/${stack.templateFile}`).size;
  console.log(`\n${stack.stackName}: ${stack.templateFile} (${bytes} bytes, ${resources.length} resources)`);
  for (const [type, count] of [...types].sort()) console.log(`  ${count} x ${type}`);
  for (const message of stack.messages) console.log(`  ${message.level}: ${message.id}: ${String(message.entry.data).split('\n')[0]}`);
}
