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
        return cluster(1);
    }

    /** A cluster with pgbench data of this scale (10 is large enough for a copy to be caught in the middle). */
    PgCluster cluster(int pgbenchScale) {
        PgCluster cluster = PgCluster.create(user, PgCluster.Options.defaults().withPgbenchScale(pgbenchScale));
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
        return connection() + ", pgdata: '" + cluster.pgdata() + "', dest: '" + dest + "', "
                + "stopTimeout: '30s', startTimeout: '30s', reconnectTimeout: '30s'";
    }

    /**
     * The arguments of pgOfflineRestore onto a cluster, as Groovy, confirmed.
     *
     * @param backup a Groovy expression: a quoted path, or a quoted id with backupJob
     */
    String restoreArguments(PgCluster cluster, String backup) {
        return connection() + ", backup: " + backup + ", pgdata: '" + cluster.pgdata() + "', confirm: '"
                + cluster.pgdata() + "', stopTimeout: '30s', startTimeout: '30s', reconnectTimeout: '30s'";
    }

    /** host, port, credentials and host key check, as Groovy arguments: what every step takes. */
    String connection() {
        return "host: '" + sshd.host() + "', port: " + sshd.port() + ", credentialsId: '" + CREDENTIALS_ID + "', "
                + "hostKeyVerification: knownHostsFile(knownHostsFile: '" + sshd.knownHostsFile() + "')";
    }

    @Override
    public void close() throws IOException {
        for (PgCluster cluster : clusters) {
            cluster.close();
        }
        sshd.close();
    }
}
