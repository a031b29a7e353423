package io.jenkins.plugins.pgofflinebackup.withjenkins;

import com.cloudbees.jenkins.plugins.sshcredentials.impl.BasicSSHUserPrivateKey;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import io.pgofflinebackup.testing.PgCluster;
import io.pgofflinebackup.testing.SshServer;
import io.pgofflinebackup.testing.TestUser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The engine's fixtures (a private sshd on loopback, throw-away PostgreSQL clusters owned by
 * {@link TestUser}) seen from Jenkins: credentials for the sshd, and Pipeline arguments that point
 * at a cluster. Shared by the JenkinsRule tests of this package.
 */
final class RealDatabaseHost implements AutoCloseable {
    static final String CREDENTIALS_ID = "db-ssh";

    final TestUser user = TestUser.get();
    final SshServer sshd = SshServer.start(user);
    private final List<PgCluster> clusters = new ArrayList<>();

    PgCluster cluster() {
        PgCluster cluster = PgCluster.create(user, PgCluster.Options.defaults().withPgbenchScale(1));
        clusters.add(cluster);
        return cluster;
    }

    /** An empty directory the cluster's owner can write, for backups. */
    Path dest() {
        Path dir = TestUser.newWorkDir("jenkins-dest");
        user.chownToUser(dir);
        return dir;
    }

    /** The SSH key of the test user, stored as Jenkins credentials (global, as a user would). */
    void addCredentials() throws Exception {
        String key = Files.readString(sshd.clientKey(), StandardCharsets.UTF_8);
        BasicSSHUserPrivateKey credentials = new BasicSSHUserPrivateKey(CredentialsScope.GLOBAL, CREDENTIALS_ID,
                user.name(), new BasicSSHUserPrivateKey.DirectEntryPrivateKeySource(key), null, "test sshd key");
        SystemCredentialsProvider.getInstance().getCredentials().add(credentials);
        SystemCredentialsProvider.getInstance().save();
    }

    /** The arguments of pgOfflineBackup for a cluster, as Groovy. */
    String arguments(PgCluster cluster, Path dest) {
        return "host: '" + sshd.host() + "', port: " + sshd.port() + ", credentialsId: '" + CREDENTIALS_ID + "', "
                + "pgdata: '" + cluster.pgdata() + "', dest: '" + dest + "', "
                + "hostKeyVerification: knownHostsFile(knownHostsFile: '" + sshd.knownHostsFile() + "'), "
                + "stopTimeout: '30s', startTimeout: '30s', reconnectTimeout: '30s'";
    }

    @Override
    public void close() throws IOException {
        for (PgCluster cluster : clusters) {
            cluster.close();
        }
        sshd.close();
    }
}
