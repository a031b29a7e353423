package io.pgofflinebackup.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgofflinebackup.testing.PgBinaries;
import io.pgofflinebackup.testing.ProcessResult;
import io.pgofflinebackup.testing.ProcessRunner;
import io.pgofflinebackup.util.RemoteScripts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pg_tool_dir and pg_tool_run (lib.sh), which find and run the pg_checksums and pg_verifybackup a backup
 * host checks a copy with: only the tool asked for, of the copy's own major version, will do, wherever it
 * is installed.
 */
class PgToolDirTest {
    @TempDir
    Path work;

    @Test
    void onlyTheToolOfTheSameMajorIsTaken() throws Exception {
        Path lib = work.resolve("lib.sh");
        Files.write(lib, RemoteScripts.lib());
        // A pg_checksums of a version no package has, found only through the PATH.
        Path fake = Files.createDirectories(work.resolve("pg 42/bin"));
        Path tool = fake.resolve("pg_checksums");
        executable(tool, "pg_checksums (PostgreSQL) 42beta1");
        String path = fake + ":" + System.getenv("PATH");

        Path installed = PgBinaries.highest();
        String major = installed.getParent().getFileName().toString();
        assertThat(dirFor(lib, major, "pg_checksums", path).stdout()).isEqualTo(installed + "\n");
        assertThat(dirFor(lib, major, "pg_verifybackup", path).stdout()).isEqualTo(installed + "\n");
        assertThat(dirFor(lib, "42", "pg_checksums", path).stdout()).isEqualTo(fake + "\n");

        for (String other : List.of("4", "41", "420")) {
            ProcessResult none = dirFor(lib, other, "pg_checksums", path);
            assertThat(none.exitCode()).as(other).isEqualTo(1);
            assertThat(none.stdout()).as(other).isEmpty();
        }
        // That directory has no pg_verifybackup: a pg_checksums beside it does not count.
        assertThat(dirFor(lib, "42", "pg_verifybackup", path).exitCode()).isEqualTo(1);
        // pg_verifybackup runs pg_waldump from its own directory: without it, it does not count either.
        executable(fake.resolve("pg_verifybackup"), "pg_verifybackup (PostgreSQL) 42beta1");
        assertThat(dirFor(lib, "42", "pg_verifybackup", path).exitCode()).isEqualTo(1);
        executable(fake.resolve("pg_waldump"), "pg_waldump (PostgreSQL) 42beta1");
        assertThat(dirFor(lib, "42", "pg_verifybackup", path).stdout()).isEqualTo(fake + "\n");

        // pg_tool_run: the tool's path, then what the runner prints given its directory; or "none".
        assertThat(run(lib, path, "pg_tool_run 42 pg_checksums echo with").stdout())
                .isEqualTo(fake.resolve("pg_checksums") + "\n" + fake + " with\n");
        assertThat(run(lib, path, "pg_tool_run 41 pg_checksums echo with").stdout()).isEqualTo("none\n");
    }

    private static void executable(Path tool, String version) throws Exception {
        Files.writeString(tool, "#!/bin/sh\necho '" + version + "'\n");
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static ProcessResult run(Path lib, String path, String command) {
        return ProcessRunner.run(List.of("sh", "-c", "TAB=$(printf '\\t'); . \"$1\"; " + command, "sh",
                lib.toString()), Map.of("PATH", path), null, Duration.ofSeconds(30));
    }

    private static ProcessResult dirFor(Path lib, String major, String tool, String path) {
        return run(lib, path, "pg_tool_dir " + major + " " + tool);
    }
}
