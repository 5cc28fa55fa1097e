import { App, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';

/** An app with the feature flags `cdk init` gives a new project. */
export function newApp(): App {
  return new App({ context: cxapi.CURRENTLY_RECOMMENDED_FLAGS });
}

/** A stack in a new app. */
export function newStack(props?: StackProps): Stack {
  return new Stack(newApp(), 'Stack', props);
}

/** The validation errors synthesis reports for the app of `stack` (empty when it synthesizes). */
export function synthErrors(stack: Stack): string {
  try {
    stack.node.root instanceof App && (stack.node.root as App).synth({ force: true });
    return '';
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * For cdk-nag tests: cdk-nag 3 needs aws-cdk-lib's `Validations` (2.257 and later), so they are
 * skipped where it is missing (the aws-cdk-lib floor, in `npx projen test:compat`).
 */
export const testWithNag = (Validations as unknown) === undefined ? test.skip : test;
