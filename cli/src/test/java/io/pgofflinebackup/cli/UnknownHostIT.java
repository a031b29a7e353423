package io.pgofflinebackup.cli;

import static io.pgofflinebackup.cli.TestArgs.names;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgofflinebackup.testing.TestUser;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A host that does not resolve and a port where nothing listens: exit 2 with UNKNOWN_HOST and
 * CONNECTION_FAILED. The shaded jar runs with a hosts file that knows only localhost, so that no name
 * lookup ever leaves the machine.
 */
class UnknownHostIT {

    /** A name only the hosts file knows: resolving it proves the spawned JVM reads that file. */
    private static final String ALIAS = "pgob-loopback.test";

    private static Path work;
    private static Path hostsFile;
    private static Path passwordFile;
    private static Path knownHosts;

    @BeforeAll
    static void files() throws IOException {
        work = TestUser.newWorkDir("unknownhost");
        hostsFile = work.resolve("hosts");
        Files.writeString(hostsFile, "127.0.0.1 localhost " + ALIAS + "\n", StandardCharsets.UTF_8);
        passwordFile = work.resolve("password");
        Files.writeString(passwordFile, "never-sent\n", StandardCharsets.UTF_8);
        knownHosts = work.resolve("known_hosts");
        Files.writeString(knownHosts, "", StandardCharsets.UTF_8);
    }

    @Test
    void unknownHost() {
        Path dest = TestUser.newWorkDir("dest");
        JsonNode error = refused(List.of("--host", "no-such-host.invalid", "--port", "22"), dest);
        assertThat(error.path("code").asText()).isEqualTo("UNKNOWN_HOST");
        assertThat(error.path("message").asText()).contains("no-such-host.invalid");
    }

    @Test
    void nothingListensOnThePort() throws IOException {
        Path dest = TestUser.newWorkDir("dest");
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = socket.getLocalPort();
        }
        JsonNode error = refused(List.of("--host", "127.0.0.1", "--port", Integer.toString(port)), dest);
        assertThat(error.path("code").asText()).isEqualTo("CONNECTION_FAILED");
        assertThat(error.path("message").asText()).contains("127.0.0.1:" + port);

        JsonNode viaHostsFile = refused(List.of("--host", ALIAS, "--port", Integer.toString(port)), dest);
        assertThat(viaHostsFile.path("code").asText()).as("%s resolved through the hosts file", ALIAS)
                .isEqualTo("CONNECTION_FAILED");
        assertThat(viaHostsFile.path("message").asText()).contains(ALIAS + ":" + port);
    }

    /** Runs a backup at the given host and port; asserts exit 2, a failed JSON result and an untouched dest. */
    private static JsonNode refused(List<String> hostAndPort, Path dest) {
        List<String> args = new ArrayList<>(List.of("backup"));
        args.addAll(hostAndPort);
        args.addAll(List.of("--user", "postgres", "--password-file", passwordFile.toString(),
                "--known-hosts", knownHosts.toString(), "--connect-timeout", "10s",
                "--pgdata", "/var/lib/postgresql/15/main", "--dest", dest.toString(), "--json"));
        CliRun run = CliRun.spawn(CliRun.jarCommand(List.of("-Djdk.net.hosts.file=" + hostsFile), args), Map.of(),
                args);
        assertThat(run.exitCode()).as("%s", run).isEqualTo(2);
        JsonNode json = run.json();
        assertThat(json.path("status").asText()).as("%s", run).isEqualTo("failed");
        assertThat(json.path("error").path("message").asText()).as("%s", run).isNotBlank();
        assertThat(names(dest)).isEmpty();
        return json.path("error");
    }
}
