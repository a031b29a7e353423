package io.pgofflinebackup.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgofflinebackup.util.RemoteScripts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * lookup.sh, run here the way HostLookup runs it on a host ({@code sh -s -- LOOKUP ARG...} with the
 * script on stdin), on paths that need quoting. Its callers (--sudo, re-attaching to a run) are
 * tested against a real host in SudoTest, CriticalSectionTest and KilledClientIT.
 */
class LookupScriptTest {
    @TempDir
    Path work;

    @Test
    void ownerNamesTheLoginUserAndTheOwnerOfTheFirstPathThatExists() throws Exception {
        Path dir = Files.createDirectories(work.resolve("data 'x' $(id)"));
        String me = System.getProperty("user.name");

        assertThat(lookup("owner", work.resolve("missing").toString(), dir.toString(), "/"))
                .isEqualTo(me + "\n" + Files.getOwner(dir).getName() + "\n");
        assertThat(lookup("owner", work.resolve("missing").toString())).as("none exists").isEqualTo(me + "\n");
    }

    @Test
    void runStateSaysWhatIsLeftOfARun() throws Exception {
        Path run = Files.createDirectories(work.resolve("dest $x").resolve(".20261127T000000Z.run"));
        Files.writeString(run.resolve("params"), "id=20261127T000000Z\ncopy_to=host\ndest=/backups/a b\n"
                + "was_running=true\npgdata=/x\n", StandardCharsets.UTF_8);
        Path partial = Files.createDirectories(run.resolveSibling(".20261127T000000Z.partial"));
        Path log = Files.writeString(partial.resolve("backup.log"), "one\ntwo\n", StandardCharsets.UTF_8);
        Path manifest = run.resolveSibling("20261127T000000Z").resolve("manifest.json");

        String out = lookup("run_state", run.toString(), run.resolve("params").toString(), manifest.toString(),
                partial.toString(), manifest.resolveSibling("backup.log").toString(), log.toString());

        assertThat(out.lines()).startsWith("host=" + hostname()).containsSubsequence("run=yes", "copy_to=host",
                "dest=/backups/a b", "was_running=true", "log_size=8", "partial=yes")
                .noneMatch(line -> line.startsWith("pgdata=") || line.startsWith("id=")).doesNotContain("final=yes");

        Files.createDirectories(manifest.getParent());
        Files.writeString(manifest, "{}\n", StandardCharsets.UTF_8);
        Path gone = work.resolve("gone");
        assertThat(lookup("run_state", gone.toString(), gone.resolve("params").toString(), manifest.toString(),
                gone.toString(), gone.resolve("log").toString()).lines())
                .containsExactly("host=" + hostname(), "log_size=0", "final=yes");
    }

    @Test
    void restoreStateSaysWhatIsLeftOfARestoreRunAndNamesTheOthersOfItsDataDirectory() throws Exception {
        Path parent = Files.createDirectories(work.resolve("pg 'x' $(id)"));
        Path run = Files.createDirectories(parent.resolve(".main db.restore-20261127T000000Z.run"));
        Files.writeString(run.resolve("params"), "was_running=true\nbackup=/backups/a b\naside=/x\n",
                StandardCharsets.UTF_8);
        Files.writeString(run.resolve("restore.log"), "one\ntwo\n", StandardCharsets.UTF_8);
        Files.writeString(run.resolve("follow.sh"), "", StandardCharsets.UTF_8);
        Files.createDirectories(parent.resolve(".main db.restore-20261126T000000Z.run"));
        Files.createDirectories(parent.resolve(".main.restore-20261125T000000Z.run"));
        Files.createDirectories(parent.resolve(".main db.backup-20261125T000000Z.run"));

        assertThat(lookup("restore_state", run.toString()).lines()).containsExactly("host=" + hostname(), "run=yes",
                "was_running=true", "backup=/backups/a b", "log_size=8", "follow=yes", "other=20261126T000000Z");

        Path missing = parent.resolve(".main db.restore-20261128T000000Z.run");
        assertThat(lookup("restore_state", missing.toString()).lines()).as("not there: the others are named")
                .containsExactly("host=" + hostname(), "log_size=0", "other=20261126T000000Z", "other=20261127T000000Z");
    }

    @Test
    void runRootIsMadePrivateAndNamedByItsRealPath() throws Exception {
        Path home = Files.createDirectories(work.resolve("home 'h' $(id)"));
        Path link = Files.createSymbolicLink(work.resolve("home link"), home);
        Files.createDirectories(home.resolve(".pg-offline-backup"));
        Files.setPosixFilePermissions(home.resolve(".pg-offline-backup"), PosixFilePermissions.fromString("rwxr-xr-x"));

        for (int time = 1; time <= 2; time++) {
            assertThat(lookupWithHome(link, "run_root")).as("call " + time)
                    .isEqualTo(home.toRealPath().resolve(".pg-offline-backup/runs") + "\n");
        }
        for (Path dir : List.of(home.resolve(".pg-offline-backup"), home.resolve(".pg-offline-backup/runs"))) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).as(dir.toString())
                    .isEqualTo("rwx------");
        }
    }

    @Test
    void totalsAreTheFilesBytesAndDowntimeOfAManifest() throws Exception {
        Path manifest = Files.writeString(work.resolve("manifest 'm'.json"), "{\n  \"format\": 1,\n"
                + "  \"totals\": {\"files\": 1002, \"bytes\": 8777604886},\n  \"downtimeMillis\": 380,\n"
                + "  \"files\": [\n    {\"path\": \"downtimeMillis\"}\n  ]\n}\n", StandardCharsets.UTF_8);

        assertThat(lookup("totals", manifest.toString()).split("\\s+")).containsExactly("1002", "8777604886", "380");
    }

    @Test
    void anUnknownLookupFails() throws Exception {
        Process process = start(List.of("hostname"));
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
                .contains("unknown lookup 'hostname'");
    }

    private static String hostname() throws Exception {
        Process process = new ProcessBuilder("uname", "-n").start();
        String name = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return name;
    }

    private static String lookup(String... words) throws Exception {
        return lookupWithHome(null, words);
    }

    private static String lookupWithHome(Path home, String... words) throws Exception {
        Process process = start(List.of(words), home);
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("exit status").isZero();
        return out;
    }

    private static Process start(List<String> words) throws Exception {
        return start(words, null);
    }

    private static Process start(List<String> words, Path home) throws Exception {
        List<String> command = new ArrayList<>(List.of("sh", "-s", "--"));
        command.addAll(words);
        ProcessBuilder builder = new ProcessBuilder(command);
        if (home != null) {
            builder.environment().put("HOME", home.toString());
        }
        Process process = builder.start();
        try (var stdin = process.getOutputStream()) {
            stdin.write(RemoteScripts.script("lookup.sh"));
        }
        return process;
    }
}
