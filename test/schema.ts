import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ValidateFunction } from 'ajv';

/*
 * The CloudFormation registry schema of AWS::SSM::ResourceDataSync, as cfn-lint ships it (with the
 * API's enum and list bounds patched in), read from the cfn-lint installed in .venv/ by
 * `npx projen tools`: never copied by hand. Every synthesized resource is validated against it.
 */
const TYPE = 'AWS::SSM::ResourceDataSync';
const INTRINSIC = 'intrinsic-value';

function schemaDirectory(): string {
  const lib = path.join(__dirname, '..', '.venv', 'lib');
  const python = fs.existsSync(lib) ? fs.readdirSync(lib).find(d => d.startsWith('python')) : undefined;
  if (!python) throw new Error('cfn-lint is not installed in .venv/: run `npx projen tools`.');
  return path.join(lib, python, 'site-packages', 'cfnlint', 'data', 'schemas');
}

/** The schema of the resource type in us-east-1, as cfn-lint maps it. */
export function loadSchema(): any {
  const dir = schemaDirectory();
  const providers = fs.readFileSync(path.join(dir, 'providers', 'us_east_1.py'), 'utf-8');
  const hash = new RegExp(`"${TYPE}": "([0-9a-f]+)"`).exec(providers)?.[1];
  if (!hash) throw new Error(`cfn-lint has no schema for ${TYPE}`);
  const schema = JSON.parse(fs.readFileSync(path.join(dir, 'resources', `${hash}.json`), 'utf-8'));
  if (schema.typeName !== TYPE) throw new Error(`schema ${hash} is for ${schema.typeName}`);
  return schema;
}

let compiled: { validate: ValidateFunction; schema: any } | undefined;

function validator(): { validate: ValidateFunction; schema: any } {
  if (compiled) return compiled;
  const schema = loadSchema();
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addFormat('AWS::S3::Bucket.Name', v => v === INTRINSIC || /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(v));
  ajv.addFormat('AWS::KMS::Key.Arn', v => v === INTRINSIC || /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/.+$/.test(v));
  compiled = { validate: ajv.compile(schema), schema };
  return compiled;
}

function isIntrinsic(value: any): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'));
}

/** Replaces each intrinsic function by a value of the type the schema expects there. */
function substitute(value: any, schema: any, root: any): any {
  if (schema?.$ref) schema = root.definitions[schema.$ref.replace('#/definitions/', '')];
  if (isIntrinsic(value)) {
    switch (schema?.type) {
      case 'array': return [INTRINSIC];
      case 'boolean': return true;
      case 'object': return {};
      default: return INTRINSIC;
    }
  }
  if (Array.isArray(value)) return value.map(v => substitute(v, schema?.items, root));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, schema?.properties?.[k], root)]));
  }
  return value;
}

/** Schema errors of every AWS::SSM::ResourceDataSync of a template, as `<logicalId><path> <message>`. */
export function schemaErrors(template: any): string[] {
  const { validate, schema } = validator();
  const errors: string[] = [];
  for (const [id, resource] of Object.entries<any>(template.Resources ?? {})) {
    if (resource.Type !== TYPE) continue;
    if (!validate(substitute(resource.Properties ?? {}, schema, schema))) {
      errors.push(...(validate.errors ?? []).map(e => `${id}${e.instancePath} ${e.message}`));
    }
  }
  return errors;
}
