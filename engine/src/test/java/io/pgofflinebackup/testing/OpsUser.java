package io.pgofflinebackup.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * An operations account, {@value #NAME}, that logs in over SSH but owns no cluster: it reaches the
 * clusters of {@link TestUser} only through sudo rules the tests write (see {@link SudoRule}).
 * Created once per machine, like {@link TestUser}; root only.
 */
public final class OpsUser {
    public static final String NAME = "pgobops";
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);
    private static OpsUser instance;

    private final String name;
    private final Path home;

    private OpsUser(String name, Path home) {
        this.name = name;
        this.home = home;
    }

    public static synchronized OpsUser get() {
        if (!TestUser.get().testsRunAsRoot()) {
            throw new IllegalStateException("An operations account needs the tests to run as root");
        }
        if (instance == null) {
            instance = TestUser.withMachineLock(() -> {
                if (!ProcessRunner.run(List.of("getent", "passwd", NAME), ADMIN_TIMEOUT).succeeded()) {
                    ProcessRunner.run(List.of("useradd", "-m", "-s", "/bin/sh", NAME), ADMIN_TIMEOUT).orThrow();
                }
                // sshd without PAM refuses a locked account ('!'); '*' allows key login only.
                String shadow = ProcessRunner.run(List.of("getent", "shadow", NAME), ADMIN_TIMEOUT).orThrow().stdout();
                if (shadow.split(":", -1)[1].startsWith("!")) {
                    ProcessRunner.run(List.of("usermod", "-p", "*", NAME), ADMIN_TIMEOUT).orThrow();
                }
                String[] passwd = ProcessRunner.run(List.of("getent", "passwd", NAME), ADMIN_TIMEOUT).orThrow()
                        .stdout().trim().split(":", -1);
                return new OpsUser(NAME, Path.of(passwd[5]));
            });
        }
        return instance;
    }

    public String name() {
        return name;
    }

    public Path home() {
        return home;
    }

    @Override
    public String toString() {
        return name;
    }
}
