package io.pgofflinebackup.cli;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.ToolVersion;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: {@code java -jar pg-offline-backup.jar <command> ...}. */
@Command(name = "pg-offline-backup", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Offline filesystem backups of PostgreSQL over SSH.",
        subcommands = {BackupCommand.class, PlanCommand.class, VerifyCommand.class, RestoreCommand.class,
            AttachCommand.class,
            CommandLine.HelpCommand.class},
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
        // Bad options (unknown, missing, malformed) are bad usage: exit 2, and with --json still one
        // JSON object on stdout, as the contract promises machines.
        commandLine.setParameterExceptionHandler((e, arguments) -> {
            CommandLine cl = e.getCommandLine();
            String message = describe(e);
            PrintWriter err = cl.getErr();
            err.println(cl.getColorScheme().errorText(message));
            if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, err)) {
                cl.usage(err, cl.getColorScheme());
            }
            err.flush();
            if (Arrays.asList(arguments).contains("--json")) {
                System.out.println(JsonOutput.failure(ErrorCode.BAD_INPUT, message, null, 2));
                System.out.flush();
            }
            return 2;
        });
        commandLine.setExecutionExceptionHandler((e, cl, parseResult) -> {
            if (e instanceof UsageError) {
                cl.getErr().println("error: " + e.getMessage());
                return 2;
            }
            // A bug of ours. A runner already started on the host protects PostgreSQL by itself, so this
            // is "failed" (1), with the database state unknown; machines still get their JSON object.
            cl.getErr().println("internal error: " + e);
            e.printStackTrace(cl.getErr());
            if (parseResult.originalArgs().contains("--json")) {
                System.out.println(JsonOutput.failure(ErrorCode.INTERNAL, "internal error: " + e, null, 1));
                System.out.flush();
            }
            return 1;
        });
        return commandLine.execute(args);
    }

    /**
     * picocli's message, except for unknown arguments: it would repeat them all, and the word after an
     * unknown {@code --password} is a secret that must not end up in a build log.
     */
    private static String describe(CommandLine.ParameterException e) {
        if (!(e instanceof CommandLine.UnmatchedArgumentException unmatched)) {
            return e.getMessage();
        }
        List<String> options = unmatched.getUnmatched().stream()
                .filter(a -> a.startsWith("-"))
                .map(a -> a.contains("=") ? a.substring(0, a.indexOf('=')) : a)
                .toList();
        if (options.isEmpty()) {
            return "unexpected argument(s) (" + unmatched.getUnmatched().size() + "); see --help";
        }
        String message = "unknown option(s): " + String.join(", ", options);
        if (options.stream().anyMatch(o -> o.contains("pass"))) {
            message += "; secrets are read only from a file or an environment variable (--password-file, "
                    + "--password-env, --passphrase-file, --passphrase-env), never from the command line";
        }
        return message;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"pg-offline-backup " + ToolVersion.get()};
        }
    }
}
