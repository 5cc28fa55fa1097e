import { App, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { OrganizationInventory, OrganizationInventoryProps } from '../src';

/** An app with the feature flags `cdk init` gives a new project. */
export function newApp(): App {
  return new App({ context: cxapi.CURRENTLY_RECOMMENDED_FLAGS });
}

/** A stack in a new app. */
export function newStack(props?: StackProps): Stack {
  return new Stack(newApp(), 'Stack', props);
}

/** An `OrganizationInventory` (two Regions, the root as target) in a new stack of the management account 111122223333. */
export function newOrganizationInventory(props: Partial<OrganizationInventoryProps> = {}): { stack: Stack; inventory: OrganizationInventory } {
  const stack = newStack({ env: { account: '111122223333', region: 'us-east-1' } });
  const inventory = new OrganizationInventory(stack, 'Organization', {
    organizationId: 'o-a1b2c3d4e5',
    organizationalUnits: ['r-ab12'],
    regions: ['us-east-1', 'eu-west-1'],
    bucketName: 'org-inventory-111122223333',
    ...props,
  });
  return { stack, inventory };
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

/**
 * A fixture built on first use inside a test, shared by the tests after it. Under mutation testing
 * (MUTATE_PROFILE set, see CONTRIBUTING.md "Mutation testing") it is built anew for every test: Stryker
 * runs a mutant only with the tests that ran its code, and a shared fixture runs that code in the first
 * test alone.
 *
 * Call it in a test or a `beforeEach`, never in a `describe` body or a `beforeAll`: there it would run
 * outside every test, and a fixture that throws would fail the whole file rather than the tests that
 * use it. A build that throws is not kept: each test that uses the fixture fails with the error.
 */
export function fixture<T>(build: () => T): () => T {
  const perTest = process.env.MUTATE_PROFILE !== undefined;
  let built: { value: T; test: string | undefined } | undefined;
  return () => {
    // Within one test, every call gets the same value (in a mutation run too).
    const test = perTest ? expect.getState().currentTestName : undefined;
    if (!built || (perTest && (built.test !== test || test === undefined))) built = { value: build(), test };
    return built.value;
  };
}
