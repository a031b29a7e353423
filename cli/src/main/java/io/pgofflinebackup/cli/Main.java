package io.pgofflinebackup.cli;

import io.pgofflinebackup.ToolVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: {@code java -jar pg-offline-backup.jar <command> ...}. */
@Command(name = "pg-offline-backup", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Offline filesystem backups of PostgreSQL over SSH.",
        subcommands = {BackupCommand.class, PlanCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done",
            "1:failed; PostgreSQL is back in the state it was found",
            "2:bad usage or input; nothing was touched",
            "3:failed and PostgreSQL could not be brought back: a human is needed now"})
public final class Main {

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command line and returns its exit code (for tests and embedding). */
    public static int execute(String... args) {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setExecutionExceptionHandler((e, cl, parseResult) -> {
            if (e instanceof UsageError) {
                cl.getErr().println("error: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return commandLine.execute(args);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"pg-offline-backup " + ToolVersion.get()};
        }
    }
}
