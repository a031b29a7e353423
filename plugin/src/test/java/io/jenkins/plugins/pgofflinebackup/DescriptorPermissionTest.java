package io.jenkins.plugins.pgofflinebackup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.Descriptor;
import hudson.model.Item;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.verb.POST;

/**
 * The form methods answer anyone with Overall/Read, so each must check the job's permission before
 * it checks values or lists credentials. Here the job's ACL denies, and nothing may be revealed.
 */
class DescriptorPermissionTest {
    private final TestItems.FixedACL deny = new TestItems.FixedACL(false);
    private final TestItems.FixedACL allow = new TestItems.FixedACL(true);
    private final Item denied = TestItems.withACL(deny);
    private final Item allowed = TestItems.withACL(allow);

    private static final List<Class<? extends Descriptor<?>>> DESCRIPTORS = List.of(
            PgOfflineBackupStep.DescriptorImpl.class, PgOfflineBackupBuilder.DescriptorImpl.class,
            PgOfflineRestoreStep.DescriptorImpl.class, PgOfflineRestoreBuilder.DescriptorImpl.class,
            PgOfflineVerifyStep.DescriptorImpl.class, PgOfflineBackupParameterDefinition.DescriptorImpl.class,
            KnownHostsFileVerification.DescriptorImpl.class, ManuallyProvidedKeyVerification.DescriptorImpl.class,
            TrustOnFirstUseVerification.DescriptorImpl.class, NonVerifyingVerification.DescriptorImpl.class);

    @Test
    void everyWebMethodIsPostAndTakesTheJob() {
        List<String> checked = new ArrayList<>();
        for (Class<?> type : DESCRIPTORS) {
            for (Method method : type.getDeclaredMethods()) {
                if (!method.getName().startsWith("doFill") && !method.getName().startsWith("doCheck")
                        && !method.getName().startsWith("doTest")) {
                    continue;
                }
                String name = type.getName() + "." + method.getName();
                assertTrue(method.isAnnotationPresent(POST.class), name + " must be @POST");
                assertEquals(Item.class, method.getParameterTypes()[0], name + " must take the job first");
                assertTrue(method.getParameters()[0].isAnnotationPresent(AncestorInPath.class),
                        name + " must take the job with @AncestorInPath");
                checked.add(name);
            }
        }
        assertTrue(checked.size() >= 90, "found only " + checked);
    }

    @Test
    void withoutPermissionChecksRevealNothing() {
        PgOfflineBackupStep.DescriptorImpl step = new PgOfflineBackupStep.DescriptorImpl();
        PgOfflineBackupBuilder.DescriptorImpl builder = new PgOfflineBackupBuilder.DescriptorImpl();

        assertEquals(FormValidation.Kind.OK, step.doCheckHost(denied, "").kind);
        assertEquals(FormValidation.Kind.OK, step.doCheckDest(denied, "/data/x", "/data").kind);
        assertEquals(FormValidation.Kind.OK, builder.doCheckPgdata(denied, "relative").kind);
        assertEquals(FormValidation.Kind.OK, step.doCheckCredentialsId(denied, "", "db1", "22").kind);
        assertEquals(FormValidation.Kind.OK,
                new ManuallyProvidedKeyVerification.DescriptorImpl().doCheckKey(denied, "nonsense").kind);
        assertEquals(FormValidation.Kind.OK,
                new KnownHostsFileVerification.DescriptorImpl().doCheckKnownHostsFile(denied, "relative").kind);
        assertTrue(deny.asked.contains(Item.CONFIGURE), "asked " + deny.asked);
    }

    @Test
    void withoutPermissionTheRestoreVerifyAndParameterChecksRevealNothing() {
        PgOfflineRestoreStep.DescriptorImpl restore = new PgOfflineRestoreStep.DescriptorImpl();
        PgOfflineRestoreBuilder.DescriptorImpl restoreBuilder = new PgOfflineRestoreBuilder.DescriptorImpl();
        PgOfflineVerifyStep.DescriptorImpl verify = new PgOfflineVerifyStep.DescriptorImpl();
        PgOfflineBackupParameterDefinition.DescriptorImpl parameter = new PgOfflineBackupParameterDefinition.DescriptorImpl();

        assertEquals(FormValidation.Kind.OK, restore.doCheckConfirm(denied, "/data/", "/data").kind);
        assertEquals(FormValidation.Kind.OK, restore.doCheckBackup(denied, "relative", "", "/data").kind);
        // Would look the job up, and so say whether it exists: denied first.
        assertEquals(FormValidation.Kind.OK, restore.doCheckBackupJob(denied, "secret-job").kind);
        assertEquals(FormValidation.Kind.OK, restoreBuilder.doCheckPgdata(denied, "relative").kind);
        assertEquals(FormValidation.Kind.OK, verify.doCheckBackup(denied, "relative").kind);
        assertEquals(FormValidation.Kind.OK, parameter.doCheckBackupJob(denied, "secret-job").kind);
        assertEquals(FormValidation.Kind.OK, parameter.doCheckMaxBackups(denied, "zero").kind);
        assertEquals(1, restore.doFillCredentialsIdItems(denied, "db1-ssh", "db1", "22").size());
        assertEquals(1, verify.doFillCredentialsIdItems(denied, "db1-ssh", "db1", "22").size());
        assertTrue(deny.asked.contains(Item.CONFIGURE), "asked " + deny.asked);
    }

    @Test
    void withPermissionTheRestoreChecksSayWhatIsWrong() {
        PgOfflineRestoreStep.DescriptorImpl restore = new PgOfflineRestoreStep.DescriptorImpl();
        assertEquals(FormValidation.Kind.ERROR, restore.doCheckConfirm(allowed, "/data/", "/data").kind);
        assertEquals(FormValidation.Kind.ERROR, restore.doCheckConfirm(allowed, "", "/data").kind);
        assertEquals(FormValidation.Kind.OK, restore.doCheckConfirm(allowed, "/data", "/data").kind);
        assertEquals(FormValidation.Kind.ERROR, restore.doCheckBackup(allowed, "relative", "", "/data").kind);
        assertEquals(FormValidation.Kind.OK, restore.doCheckBackup(allowed, "20261125T020003Z", "nightly", "/data").kind);
        assertEquals(FormValidation.Kind.ERROR, restore.doCheckBackup(allowed, "/data/backup", "", "/data").kind);
        assertEquals(FormValidation.Kind.OK, restore.doCheckBackupJob(allowed, "${BACKUP_JOB}").kind);
        assertEquals(FormValidation.Kind.ERROR, new PgOfflineVerifyStep.DescriptorImpl().doCheckBackup(allowed, "x").kind);
        PgOfflineBackupParameterDefinition.DescriptorImpl parameter = new PgOfflineBackupParameterDefinition.DescriptorImpl();
        assertEquals(FormValidation.Kind.ERROR, parameter.doCheckMaxBackups(allowed, "0").kind);
        assertEquals(FormValidation.Kind.OK, parameter.doCheckMaxBackups(allowed, "").kind);
        assertEquals(FormValidation.Kind.ERROR, parameter.doCheckBackupJob(allowed, "").kind);
        assertEquals(FormValidation.Kind.ERROR, parameter.doCheckHost(allowed, "user@db1").kind);
        assertEquals(FormValidation.Kind.OK, parameter.doCheckHost(allowed, "").kind);
    }

    @Test
    void withoutPermissionNoCredentialIsListed() {
        // Listing would need the credentials store; a denied caller gets the current value back only.
        for (ListBoxModel model : List.of(
                new PgOfflineBackupStep.DescriptorImpl().doFillCredentialsIdItems(denied, "db1-ssh", "db1", "22"),
                new PgOfflineBackupBuilder.DescriptorImpl().doFillCredentialsIdItems(denied, "db1-ssh", "db1", "22"))) {
            assertEquals(1, model.size());
            assertEquals("db1-ssh", model.get(0).value);
        }
        assertTrue(deny.asked.contains(Item.EXTENDED_READ), "asked " + deny.asked);
        assertFalse(deny.asked.isEmpty());
    }

    @Test
    void withoutPermissionTheStopModeListIsTheCurrentValue() {
        ListBoxModel model = new PgOfflineBackupStep.DescriptorImpl().doFillStopModeItems(denied, "smart");
        assertEquals(1, model.size());
        assertEquals("smart", model.get(0).value);
    }

    @Test
    void withPermissionProblemsAreShown() {
        PgOfflineBackupStep.DescriptorImpl step = new PgOfflineBackupStep.DescriptorImpl();
        assertEquals(FormValidation.Kind.ERROR, step.doCheckHost(allowed, "").kind);
        assertEquals(FormValidation.Kind.OK, step.doCheckHost(allowed, "db1").kind);
        assertEquals(FormValidation.Kind.ERROR, step.doCheckDest(allowed, "/data/x", "/data").kind);
        assertEquals(FormValidation.Kind.ERROR, step.doCheckPort(allowed, "0").kind);
        assertEquals(FormValidation.Kind.ERROR, step.doCheckStopMode(allowed, "immediate").kind);
        assertEquals(FormValidation.Kind.ERROR, step.doCheckMaxDowntime(allowed, "soon").kind);
        assertEquals(FormValidation.Kind.ERROR, step.doCheckActiveSessions(allowed, "kill").kind);
        assertEquals(FormValidation.Kind.ERROR, step.doCheckStopCommand(allowed, "stop", "").kind);
        assertEquals(FormValidation.Kind.ERROR, step.doCheckCredentialsId(allowed, "", "db1", "22").kind);
        assertEquals(FormValidation.Kind.ERROR,
                new ManuallyProvidedKeyVerification.DescriptorImpl().doCheckKey(allowed, "nonsense").kind);
        assertEquals(2, step.doFillStopModeItems(allowed, null).size());
        assertTrue(allow.asked.contains(Item.CONFIGURE));
    }
}
