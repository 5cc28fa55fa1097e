import { Duration, aws_iam as iam, aws_kms as kms, aws_lambda as lambda, aws_logs as logs } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { inlineHandlerCode } from './inline-code';

/**
 * The Lambda runtime of this library's inline functions: Node.js 24 (supported by AWS Lambda until
 * 2028-04-30; Node.js 22 is deprecated on 2027-04-30). Made by name, so that aws-cdk-lib releases
 * without a `NODEJS_24_X` constant (the floor) give the same template.
 */
export function inlineRuntime(): lambda.Runtime {
  // Made on first use: reading aws-cdk-lib's aws-lambda when the module loads would cost every app.
  runtime ??= new lambda.Runtime('nodejs24.x', lambda.RuntimeFamily.NODEJS, { supportsInlineCode: true });
  return runtime;
}
let runtime: lambda.Runtime | undefined;

/** What an inline function is. */
export interface InlineFunctionOptions {
  /** The folder of its handler (embedded as inline code, see inline-code.ts). */
  readonly dir: string;
  /** The handler's file name in `dir`. Default: `handler.js`. */
  readonly file?: string;
  readonly description: string;
  /** What the role's policy says besides writing to the log group. */
  readonly statements: iam.PolicyStatement[];
  readonly roleDescription: string;
  readonly timeout: Duration;
  readonly logRetention: logs.RetentionDays;
  readonly logEncryptionKey?: kms.IKey;
  readonly environment?: { [key: string]: string };
}

/** The parts of an inline function, for grants, metrics and cdk-nag acknowledgements. */
export interface InlineFunction {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
}

/**
 * One building block for every Lambda function of this library: inline code (no asset, so it also
 * works in a StackSet template), Node.js 24, a role of its own with only the given statements and
 * the right to write its logs, and a log group with a retention (and, if given, a KMS key). Its
 * children are `Logs`, `Role` and `Function` directly under `scope`, so their logical ids are those
 * of the constructs that made them by hand before.
 */
export function newInlineFunction(scope: Construct, options: InlineFunctionOptions): InlineFunction {
  const logGroup = new logs.LogGroup(scope, 'Logs', { retention: options.logRetention, encryptionKey: options.logEncryptionKey });
  const role = new iam.Role(scope, 'Role', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: options.roleDescription,
  });
  logGroup.grantWrite(role);
  options.statements.forEach(statement => role.addToPrincipalPolicy(statement));
  const fn = new lambda.Function(scope, 'Function', {
    description: options.description,
    runtime: inlineRuntime(),
    handler: 'index.handler',
    code: lambda.Code.fromInline(inlineHandlerCode(options.dir, options.file)),
    timeout: options.timeout,
    memorySize: 256,
    role,
    logGroup,
    environment: options.environment,
  });
  return { function: fn, role, logGroup };
}
