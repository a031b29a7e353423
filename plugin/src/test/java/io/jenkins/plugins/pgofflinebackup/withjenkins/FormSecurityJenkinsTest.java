package io.jenkins.plugins.pgofflinebackup.withjenkins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.FreeStyleProject;
import hudson.model.Item;
import hudson.model.User;
import hudson.security.ACL;
import hudson.security.ACLContext;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.pgofflinebackup.PgOfflineBackupBuilder;
import io.jenkins.plugins.pgofflinebackup.PgOfflineBackupStep;
import io.jenkins.plugins.pgofflinebackup.PgOfflineRestoreBuilder;
import io.jenkins.plugins.pgofflinebackup.PgOfflineRestoreStep;
import io.jenkins.plugins.pgofflinebackup.PgOfflineVerifyStep;
import java.util.List;
import jenkins.model.Jenkins;
import org.htmlunit.HttpMethod;
import org.htmlunit.WebRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** The form methods list credentials and check values only for users who may configure the job. */
@WithJenkins
class FormSecurityJenkinsTest {
    private static RealDatabaseHost host;
    private JenkinsRule j;
    private FreeStyleProject job;

    @BeforeAll
    static void startHost() {
        host = new RealDatabaseHost();
    }

    @AfterAll
    static void stopHost() throws Exception {
        host.close();
    }

    @BeforeEach
    void setUp(JenkinsRule rule) throws Exception {
        j = rule;
        host.addCredentials();
        job = j.createFreeStyleProject("secured");
        j.jenkins.setSecurityRealm(j.createDummySecurityRealm());
        j.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy()
                .grant(Jenkins.READ, Item.READ).everywhere().to("reader")
                .grant(Jenkins.READ, Item.READ, Item.CONFIGURE, Item.EXTENDED_READ).everywhere().to("configurer"));
    }

    private static List<String> values(ListBoxModel model) {
        return model.stream().map(option -> option.value).toList();
    }

    @Test
    void aReaderGetsNoCredentialsListed() {
        for (Object descriptor : List.of(new PgOfflineBackupStep.DescriptorImpl(), new PgOfflineBackupBuilder.DescriptorImpl(),
                new PgOfflineRestoreStep.DescriptorImpl(), new PgOfflineRestoreBuilder.DescriptorImpl(),
                new PgOfflineVerifyStep.DescriptorImpl())) {
            ListBoxModel asReader;
            ListBoxModel asConfigurer;
            try (ACLContext ignored = ACL.as2(User.getById("reader", true).impersonate2())) {
                asReader = fill(descriptor);
            }
            try (ACLContext ignored = ACL.as2(User.getById("configurer", true).impersonate2())) {
                asConfigurer = fill(descriptor);
            }
            assertFalse(values(asReader).contains(RealDatabaseHost.CREDENTIALS_ID), values(asReader).toString());
            assertTrue(values(asConfigurer).contains(RealDatabaseHost.CREDENTIALS_ID), values(asConfigurer).toString());
        }
    }

    private ListBoxModel fill(Object descriptor) {
        String port = String.valueOf(host.sshd.port());
        String name = host.sshd.host();
        if (descriptor instanceof PgOfflineBackupStep.DescriptorImpl step) {
            return step.doFillCredentialsIdItems(job, "", name, port);
        }
        if (descriptor instanceof PgOfflineBackupBuilder.DescriptorImpl builder) {
            return builder.doFillCredentialsIdItems(job, "", name, port);
        }
        if (descriptor instanceof PgOfflineRestoreStep.DescriptorImpl restore) {
            return restore.doFillCredentialsIdItems(job, "", name, port);
        }
        if (descriptor instanceof PgOfflineRestoreBuilder.DescriptorImpl restoreBuilder) {
            return restoreBuilder.doFillCredentialsIdItems(job, "", name, port);
        }
        return ((PgOfflineVerifyStep.DescriptorImpl) descriptor).doFillCredentialsIdItems(job, "", name, port);
    }

    @Test
    void formMethodsAnswerPostOnly() throws Exception {
        JenkinsRule.WebClient wc = j.createWebClient().withThrowExceptionOnFailingStatusCode(false);
        wc.login("configurer");
        String url = "job/secured/descriptorByName/" + PgOfflineBackupBuilder.class.getName()
                + "/fillCredentialsIdItems?host=" + host.sshd.host();
        assertEquals(404, wc.goTo(url, null).getWebResponse().getStatusCode());

        org.htmlunit.WebResponse response = wc.getPage(new WebRequest(wc.createCrumbedUrl(url), HttpMethod.POST))
                .getWebResponse();
        assertEquals(200, response.getStatusCode());
        assertTrue(response.getContentAsString().contains(RealDatabaseHost.CREDENTIALS_ID), response.getContentAsString());
    }

    @Test
    void aReaderPostingGetsNoCredentialsEither() throws Exception {
        JenkinsRule.WebClient wc = j.createWebClient().withThrowExceptionOnFailingStatusCode(false);
        wc.login("reader");
        String url = "job/secured/descriptorByName/" + PgOfflineBackupBuilder.class.getName()
                + "/fillCredentialsIdItems?host=" + host.sshd.host();
        String body = wc.getPage(new WebRequest(wc.createCrumbedUrl(url), HttpMethod.POST)).getWebResponse()
                .getContentAsString();
        assertFalse(body.contains(RealDatabaseHost.CREDENTIALS_ID), body);
    }
}
