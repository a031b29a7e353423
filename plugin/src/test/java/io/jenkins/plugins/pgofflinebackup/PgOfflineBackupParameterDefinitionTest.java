package io.jenkins.plugins.pgofflinebackup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PgOfflineBackupParameterDefinitionTest {

    private static PgOfflineBackupParameterDefinition definition() {
        PgOfflineBackupParameterDefinition definition = new PgOfflineBackupParameterDefinition("BACKUP",
                " databases/nightly ");
        definition.setDescription("The backup to restore onto db1");
        return definition;
    }

    @Test
    void theChoicesAreTheJobsCompleteBackupsOfTheHostNewestFirst() {
        PgOfflineBackupParameterDefinition definition = definition();
        definition.setHost("db1");
        definition.setMaxBackups(5);

        assertEquals("databases/nightly", definition.getBackupJob());
        assertEquals(List.of("/backup/db1/20261125T020003Z", "/backup/db1/20261122T020003Z"),
                definition.choices(RecordedBackupsTest.FLEET).stream().map(RecordedBackup::getPath).toList());
    }

    @Test
    void aListedBackupBecomesAValueThatIsItsPath() {
        PgOfflineBackupParameterDefinition definition = definition();
        List<RecordedBackup> choices = definition.choices(RecordedBackupsTest.FLEET);

        PgOfflineBackupParameterValue value = definition.valueFor(" /backup/db1/20261125T020003Z ", choices);

        assertEquals("BACKUP", value.getName());
        assertEquals("/backup/db1/20261125T020003Z", value.getValue());
        assertEquals("20261125T020003Z", value.getBackupId());
        assertEquals("db1", value.getHost());
        assertEquals("/var/lib/postgresql/16/main", value.getPgdata());
        assertEquals("databases/nightly", value.getBackupJob());
        assertEquals(4, value.getBuild());
        assertEquals("5.0 GiB", value.getSize());
        assertEquals("2026-11-25 02:00 UTC", value.getTime());
        assertEquals("The backup to restore onto db1", value.getDescription());
    }

    @Test
    void anythingButAListedBackupIsRefused() {
        PgOfflineBackupParameterDefinition definition = definition();
        List<RecordedBackup> choices = definition.choices(RecordedBackupsTest.FLEET);

        IllegalArgumentException crafted = assertThrows(IllegalArgumentException.class,
                () -> definition.valueFor("/etc", choices));
        assertTrue(crafted.getMessage().contains("must be one of the backups recorded by databases/nightly; /etc is not"),
                crafted.getMessage());
        // An incomplete backup is never offered, so never accepted either.
        assertThrows(IllegalArgumentException.class,
                () -> definition.valueFor("/backup/db1/20261124T020003Z", choices));
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> definition.valueFor("", choices));
        assertTrue(none.getMessage().startsWith("No backup was chosen for the parameter BACKUP"), none.getMessage());
    }

    @Test
    void nothingIsChosenByDefault() {
        assertNull(definition().getDefaultParameterValue());
    }

    @Test
    void aSillyNumberOfBackupsFallsBackToTheDefault() {
        PgOfflineBackupParameterDefinition definition = definition();
        definition.setMaxBackups(0);
        assertEquals(PgOfflineBackupParameterDefinition.DEFAULT_MAX_BACKUPS, definition.getMaxBackups());
    }
}
