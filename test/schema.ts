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

/** The schema of a resource type in us-east-1, as cfn-lint maps it (by default AWS::SSM::ResourceDataSync). */
export function loadSchema(type: string = TYPE): any {
  const dir = schemaDirectory();
  const providers = fs.readFileSync(path.join(dir, 'providers', 'us_east_1.py'), 'utf-8');
  const hash = new RegExp(`"${type}": "([0-9a-f]+)"`).exec(providers)?.[1];
  if (!hash) throw new Error(`cfn-lint has no schema for ${type}`);
  const schema = JSON.parse(fs.readFileSync(path.join(dir, 'resources', `${hash}.json`), 'utf-8'));
  if (schema.typeName !== type) throw new Error(`schema ${hash} is for ${schema.typeName}`);
  return schema;
}

const compiled = new Map<string, { validate: ValidateFunction; schema: any }>();

function validator(type: string): { validate: ValidateFunction; schema: any } {
  const cached = compiled.get(type);
  if (cached) return cached;
  const schema = loadSchema(type);
  const ajv = new Ajv({ allErrors: true, strict: false, logger: false });
  ajv.addFormat('AWS::S3::Bucket.Name', v => v === INTRINSIC || /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(v));
  ajv.addFormat('AWS::KMS::Key.Arn', v => v === INTRINSIC || /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/.+$/.test(v));
  const entry = { validate: ajv.compile(schema), schema };
  compiled.set(type, entry);
  return entry;
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

/** Schema errors of every resource of a type (by default AWS::SSM::ResourceDataSync) of a template, as `<logicalId><path> <message>`. */
export function schemaErrors(template: any, type: string = TYPE): string[] {
  const { validate, schema } = validator(type);
  const errors: string[] = [];
  for (const [id, resource] of Object.entries<any>(template.Resources ?? {})) {
    if (resource.Type !== type) continue;
    const properties = substitute(resource.Properties ?? {}, schema, schema);
    if (!validate(properties)) {
      // An intrinsic (an ARN from Fn::GetAtt, say) cannot be held to a pattern: only its type is checked.
      const at = (pointer: string) => pointer.split('/').slice(1).reduce((v: any, k) => v?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], properties);
      errors.push(...(validate.errors ?? []).filter(e => !(e.keyword === 'pattern' && at(e.instancePath) === INTRINSIC))
        .map(e => `${id}${e.instancePath} ${e.message}`));
    }
  }
  return errors;
}
