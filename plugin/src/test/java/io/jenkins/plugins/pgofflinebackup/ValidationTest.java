package io.jenkins.plugins.pgofflinebackup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ValidationTest {

    @Test
    void hostIsRequiredAndOnlyAHost() {
        assertEquals("Host is required.", Validation.host(" "));
        assertNull(Validation.host("db1.example.com"));
        assertNull(Validation.host("10.0.0.5"));
        assertTrue(Validation.host("db1 db2").contains("is not a host name"));
        assertTrue(Validation.host("-oProxyCommand=x").contains("is not a host name"));
        assertTrue(Validation.host("postgres@db1").contains("the SSH user name comes from the credentials"));
    }

    @Test
    void portMustBeInRange() {
        assertNull(Validation.port(22));
        assertNull(Validation.port(""));
        assertEquals("The SSH port must be a number from 1 to 65535, not 0.", Validation.port(0));
        assertEquals("The SSH port must be a number from 1 to 65535, not ssh.", Validation.port("ssh"));
        assertNotNull(Validation.port("70000"));
    }

    @Test
    void pathsAreAbsoluteSingleLines() {
        assertEquals("PGDATA is required.", Validation.requiredPath(Messages.Field_pgdata(), ""));
        assertEquals("PGDATA must be an absolute path on the database host (starting with /), not \"data\".",
                Validation.requiredPath(Messages.Field_pgdata(), "data"));
        assertEquals("Server log must be a single line.", Validation.optionalPath(Messages.Field_serverLog(), "/a\n/b"));
        assertNull(Validation.optionalPath(Messages.Field_pgBin(), null));
    }

    @Test
    void destinationMustNotBeInsidePgdata() {
        assertNull(Validation.dest("/backup/db1", "/var/lib/postgresql/16/main"));
        assertTrue(Validation.dest("/var/lib/postgresql/16/main/backup", "/var/lib/postgresql/16/main")
                .contains("the backup would copy itself"));
        assertTrue(Validation.dest("/var/lib/postgresql/16/main/", "/var/lib/postgresql/16/main")
                .contains("the backup would copy itself"));
        // A sibling that only shares a prefix is fine.
        assertNull(Validation.dest("/var/lib/postgresql/16/main2", "/var/lib/postgresql/16/main"));
        assertEquals("Destination is required.", Validation.dest("", "/data"));
    }

    @Test
    void stopModeRefusesImmediate() {
        assertNull(Validation.stopMode("fast"));
        assertNull(Validation.stopMode("smart"));
        assertTrue(Validation.stopMode("immediate").contains("skips the shutdown checkpoint"));
        assertTrue(Validation.stopMode("quick").contains("must be fast or smart"));
    }

    @Test
    void durationsAreHumanAndAtLeastASecond() {
        assertNull(Validation.duration(Messages.Field_maxDowntime(), "15m"));
        assertNull(Validation.duration(Messages.Field_maxDowntime(), "1h30m"));
        assertNull(Validation.duration(Messages.Field_maxDowntime(), "PT10M"));
        assertEquals("Maximum downtime: \"soon\" is not a duration. Write it like 90s, 15m or 1h30m.",
                Validation.duration(Messages.Field_maxDowntime(), "soon"));
        assertEquals("Stop timeout must be at least 1s, not \"0s\".",
                Validation.duration(Messages.Field_stopTimeout(), "0s"));
    }

    @Test
    void activeSessionsUseTheCliSyntax() {
        assertNull(Validation.activeSessions("refuse"));
        assertNull(Validation.activeSessions("proceed"));
        assertNull(Validation.activeSessions("wait:5m"));
        assertTrue(Validation.activeSessions("kill").contains("refuse, proceed or wait:DURATION"));
    }

    @Test
    void serviceCommandsGoTogether() {
        assertNull(Validation.serviceCommand(Messages.Field_stopCommand(), null, null));
        assertNull(Validation.serviceCommand(Messages.Field_stopCommand(), "systemctl stop pg", "systemctl start pg"));
        assertTrue(Validation.serviceCommand(Messages.Field_stopCommand(), "systemctl stop pg", "")
                .startsWith("The stop and start commands go together"));
        assertTrue(Validation.serviceCommand(Messages.Field_startCommand(), "systemctl start pg", null)
                .startsWith("The stop and start commands go together"));
        assertEquals("Stop command must be a single line.",
                Validation.serviceCommand(Messages.Field_stopCommand(), "a\nb", "c"));
    }
}
