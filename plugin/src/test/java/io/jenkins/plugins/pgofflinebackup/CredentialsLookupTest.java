package io.jenkins.plugins.pgofflinebackup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockStatic;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import com.cloudbees.jenkins.plugins.sshcredentials.SSHUserPrivateKey;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardUsernameCredentials;
import com.cloudbees.plugins.credentials.domains.URIRequirementBuilder;
import hudson.AbortException;
import hudson.model.Run;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mockito.Answers;
import org.mockito.MockedStatic;

/** Credentials are looked up for the build (as its job may see them) every time, and their use is tracked. */
class CredentialsLookupTest {

    /** The host as domain requirement; the stand-in's builder does nothing, so it is mocked here. */
    private static MockedStatic<URIRequirementBuilder> domains() {
        MockedStatic<URIRequirementBuilder> domains = mockStatic(URIRequirementBuilder.class);
        URIRequirementBuilder builder = mock(URIRequirementBuilder.class, withSettings().defaultAnswer(Answers.RETURNS_SELF));
        domains.when(URIRequirementBuilder::create).thenReturn(builder);
        return domains;
    }

    @Test
    void theCredentialIsFoundForTheBuildAndItsUseTracked() throws Exception {
        Run<?, ?> run = mock(Run.class);
        SSHUserPrivateKey key = mock(SSHUserPrivateKey.class);
        when(key.getUsername()).thenReturn("postgres");
        when(key.getPrivateKeys()).thenReturn(List.of("-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n"));
        try (MockedStatic<URIRequirementBuilder> domains = domains();
                MockedStatic<CredentialsProvider> credentials = mockStatic(CredentialsProvider.class)) {
            credentials.when(() -> CredentialsProvider.findCredentialById(eq("db1-ssh"),
                    eq(StandardUsernameCredentials.class), eq(run), anyList())).thenReturn(key);

            SshLogin login = CredentialsLookup.JENKINS.resolve(run, "db1-ssh", "db1.example.com", 22);

            assertEquals("postgres", login.username());
            credentials.verify(() -> CredentialsProvider.track(run, key));
        }
    }

    @Test
    void aMissingCredentialStopsTheJobBeforeAnythingIsContacted() {
        Run<?, ?> run = mock(Run.class);
        try (MockedStatic<URIRequirementBuilder> domains = domains();
                MockedStatic<CredentialsProvider> credentials = mockStatic(CredentialsProvider.class)) {
            AbortException e = assertThrows(AbortException.class,
                    () -> CredentialsLookup.resolve(run, "nope", "db1.example.com", 22));
            assertTrue(e.getMessage().startsWith("No SSH credentials with id \"nope\" are available to this job for"
                    + " db1.example.com"), e.getMessage());
            credentials.verify(() -> CredentialsProvider.track(eq(run), org.mockito.ArgumentMatchers.any()), never());
        }
    }
}
