package io.github.cdkssm.examples;

import io.github.cdkssm.resourcedatasync.BucketDestinationOptions;
import io.github.cdkssm.resourcedatasync.InventoryDatabase;
import io.github.cdkssm.resourcedatasync.InventoryDatabaseProps;
import io.github.cdkssm.resourcedatasync.InventoryHistory;
import io.github.cdkssm.resourcedatasync.InventoryHistoryProps;
import io.github.cdkssm.resourcedatasync.OrganizationInventory;
import io.github.cdkssm.resourcedatasync.OrganizationInventoryProps;
import io.github.cdkssm.resourcedatasync.OrganizationCoverage;
import io.github.cdkssm.resourcedatasync.OrganizationCoverageProps;
import io.github.cdkssm.resourcedatasync.SyncHealthMonitor;
import io.github.cdkssm.resourcedatasync.SyncHealthMonitorProps;
import io.github.cdkssm.resourcedatasync.BucketNameDestinationOptions;
import io.github.cdkssm.resourcedatasync.NewBucketDestinationOptions;
import io.github.cdkssm.resourcedatasync.ResourceDataSync;
import io.github.cdkssm.resourcedatasync.SyncDestination;
import io.github.cdkssm.resourcedatasync.SyncSource;
import io.github.cdkssm.resourcedatasync.SyncSourceOptions;
import java.util.List;
import java.util.Optional;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.App;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.cxapi.CloudAssembly;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.sns.Topic;
import software.constructs.Construct;

/** The example app in Java: the same stacks as examples/stacks.ts. */
public final class ExampleApp {

  /** 1. Inventory to a new encrypted bucket: zero configuration, plus a reader role. */
  static class InventoryStack extends Stack {
    InventoryStack(final Construct scope, final String id) {
      super(scope, id);
      ResourceDataSync sync = new ResourceDataSync(this, "Inventory");
      Role analysts = Role.Builder.create(this, "InventoryReader")
          .assumedBy(new ServicePrincipal("athena.amazonaws.com"))
          .build();
      sync.grantRead(analysts);
    }
  }

  /** 2. Inventory to a bucket and key the user already defines in the app, under a prefix. */
  static class ExistingBucketStack extends Stack {
    ExistingBucketStack(final Construct scope, final String id) {
      super(scope, id);
      Key key = Key.Builder.create(this, "DataKey").enableKeyRotation(true).build();
      Bucket bucket = Bucket.Builder.create(this, "DataBucket")
          .encryption(BucketEncryption.KMS)
          .encryptionKey(key)
          .bucketKeyEnabled(true)
          .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
          .enforceSsl(true)
          .build();
      ResourceDataSync.Builder.create(this, "ToMyBucket")
          .syncName("inventory-to-my-bucket")
          .destination(SyncDestination.fromBucket(bucket,
              BucketDestinationOptions.builder().prefix("inventory").encryptionKey(key).build()))
          .build();
    }
  }

  /** 3. Explorer: OpsData from the whole AWS Organization. */
  static class OrganizationOpsDataStack extends Stack {
    OrganizationOpsDataStack(final Construct scope, final String id) {
      super(scope, id);
      ResourceDataSync.Builder.create(this, "OrganizationOpsData")
          .syncName("organization-opsdata")
          .source(SyncSource.entireOrganization(SyncSourceOptions.builder()
              .regions(List.of("us-east-1", "eu-west-1"))
              .includeFutureRegions(true)
              .build()))
          .build();
    }
  }

  /** 4a. The central account: one bucket and key that every account of the organization writes into. */
  static class CentralInventoryStack extends Stack {
    CentralInventoryStack(final Construct scope, final String id, final StackProps props, final String organizationId) {
      super(scope, id, props);
      ResourceDataSync sync = ResourceDataSync.Builder.create(this, "Inventory")
          .syncName("inventory")
          .destination(SyncDestination.newBucket(NewBucketDestinationOptions.builder()
              .bucketName("inventory-" + getAccount() + "-" + getRegion())
              .prefix("inventory")
              .organizationId(organizationId)
              .build()))
          .build();
      CfnOutput.Builder.create(this, "BucketName").value(sync.getBucket().getBucketName()).build();
      CfnOutput.Builder.create(this, "KeyArn").value(sync.getEncryptionKey().getKeyArn()).build();
    }
  }

  /** 4b. A member account, in any Region: its Inventory into the central bucket. */
  static class MemberInventoryStack extends Stack {
    MemberInventoryStack(final Construct scope, final String id, final StackProps props,
        final String centralBucketName, final String centralRegion, final String centralKeyArn) {
      super(scope, id, props);
      ResourceDataSync sync = ResourceDataSync.Builder.create(this, "Inventory")
          .syncName("inventory-to-central")
          .destination(SyncDestination.fromBucketName(centralBucketName, BucketNameDestinationOptions.builder()
              .region(centralRegion)
              .prefix("inventory")
              .kmsKeyArn(centralKeyArn)
              .build()))
          .build();
      String reason = "the central bucket and key grant the whole organization (CentralInventoryStack)";
      Annotations.of(sync).acknowledgeWarning("cdk-ssm-resource-data-sync:bucketPolicyNotManaged", reason);
      Annotations.of(sync).acknowledgeWarning("cdk-ssm-resource-data-sync:keyPolicyNotManaged", reason);
    }
  }

  /**
   * 5. The whole organization: a StackSet of syncs, Athena queries, Explorer with every OpsData
   * source, and an alarm.
   */
  static class OrganizationInventoryStack extends Stack {
    OrganizationInventoryStack(final Construct scope, final String id, final StackProps props) {
      super(scope, id, props);
      OrganizationInventory organization = new OrganizationInventory(this, "Organization", OrganizationInventoryProps.builder()
          .organizationId("o-a1b2c3d4e5")
          .organizationalUnits(List.of("r-ab12"))
          .regions(List.of("us-east-1", "eu-west-1"))
          .bucketName("org-inventory-333333333333-us-east-1")
          .prefix("inventory")
          .build());
      InventoryDatabase query = new InventoryDatabase(this, "Query", InventoryDatabaseProps.builder().inventoryBucket(organization.getDestination()).build());
      // History: daily snapshots of the inventory and the change queries over them.
      new InventoryHistory(this, "History", InventoryHistoryProps.builder().database(query).build());
      ResourceDataSync opsData = ResourceDataSync.Builder.create(this, "OpsData")
          .source(SyncSource.entireOrganization(SyncSourceOptions.builder()
              .regions(List.of("us-east-1", "eu-west-1"))
              .enableAllOpsDataSources(true)
              .build()))
          .build();
      new SyncHealthMonitor(this, "SyncHealth", SyncHealthMonitorProps.builder()
          .syncs(List.of(organization.getDeployingAccountSync(), opsData))
          .build());

      // The coverage census: which accounts and Regions write no Inventory, since when and why; its alarm to a topic.
      new OrganizationCoverage(this, "Coverage", OrganizationCoverageProps.builder()
          .inventory(organization)
          .alarmTopic(new Topic(this, "CoverageAlarms"))
          .build());
    }
  }

  public static void main(final String[] args) {
    App app = App.Builder.create()
        .outdir(Optional.ofNullable(System.getenv("CDK_OUTDIR")).orElse("cdk.out"))
        .build();
    Environment central = Environment.builder().account("111111111111").region("us-east-1").build();
    new InventoryStack(app, "InventoryStack");
    new ExistingBucketStack(app, "ExistingBucketStack");
    new OrganizationOpsDataStack(app, "OrganizationOpsDataStack");
    new CentralInventoryStack(app, "CentralInventoryStack", StackProps.builder().env(central).build(), "o-a1b2c3d4e5");
    // The central stack's KeyArn output, once it is deployed: `cdk deploy -c centralKeyArn=...`.
    Object keyArn = app.getNode().tryGetContext("centralKeyArn");
    if (!(keyArn instanceof String)) {
      throw new IllegalStateException("No context value present for centralKeyArn key: deploy CentralInventoryStack first, then pass its output with -c centralKeyArn=<KeyArn>.");
    }
    new MemberInventoryStack(app, "MemberInventoryStack",
        StackProps.builder().env(Environment.builder().account("222222222222").region("eu-west-1").build()).build(),
        "inventory-111111111111-us-east-1", "us-east-1",
        (String) keyArn);
    new OrganizationInventoryStack(app, "OrganizationInventoryStack",
        StackProps.builder().env(Environment.builder().account("333333333333").region("us-east-1").build()).build());
    CloudAssembly assembly = app.synth();
    System.out.println("Synthesized " + assembly.getStacks().size() + " stacks into " + assembly.getDirectory() + "/");
  }
}
