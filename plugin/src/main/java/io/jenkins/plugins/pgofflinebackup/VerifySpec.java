package io.jenkins.plugins.pgofflinebackup;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.io.Serializable;
import java.util.function.UnaryOperator;

/** A checked verification: which backup, on which host, and where pg_verifybackup is (or null). */
record VerifySpec(Connection connection, String backup, @CheckForNull String pgBin) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** @throws IllegalArgumentException naming every problem, worded for the user */
    static VerifySpec of(ConnectionParameters p, @CheckForNull String backup, @CheckForNull String pgBin,
            UnaryOperator<String> expand) {
        SpecParser parser = new SpecParser(expand);
        Connection connection = parser.connection(p, null, false);
        String dir = parser.text(backup);
        String bin = parser.text(pgBin);
        parser.check(Validation.requiredPath(Messages.Field_backup(), dir));
        parser.check(Validation.optionalPath(Messages.Field_pgBin(), bin));
        parser.throwIfAny();
        return new VerifySpec(connection, dir, bin);
    }

    String host() {
        return connection.host();
    }
}
