package io.pgofflinebackup.faults;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Writes the outcome of each {@link FaultCase} into {@code target/fault-cases/<id>.properties} of the
 * module whose tests run (surefire and failsafe run in the module's directory). A record is written
 * for every outcome, failures included: the report shows what did not hold as well as what did.
 */
public final class FaultCaseRecorder implements BeforeTestExecutionCallback, TestWatcher {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(FaultCaseRecorder.class);

    @Override
    public void beforeTestExecution(ExtensionContext context) {
        context.getStore(NS).put("start", System.nanoTime());
    }

    @Override
    public void testSuccessful(ExtensionContext context) {
        write(context, "passed", null);
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        write(context, "failed", cause);
    }

    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        write(context, "skipped", cause);
    }

    @Override
    public void testDisabled(ExtensionContext context, Optional<String> reason) {
        write(context, "skipped", null);
    }

    private static void write(ExtensionContext context, String result, Throwable cause) {
        Method method = context.getRequiredTestMethod();
        FaultCase fault = method.getAnnotation(FaultCase.class);
        if (fault == null) {
            return;
        }
        String invocation = invocation(context);
        String id = invocation == null ? fault.id() : fault.id() + "/" + invocation;
        String phase = fault.phase().equals("{0}") && invocation != null ? invocation : fault.phase();
        Class<?> testClass = context.getRequiredTestClass();
        Path moduleDir = Path.of("").toAbsolutePath();
        String module = moduleDir.getFileName().toString();
        Properties record = new Properties();
        record.setProperty("id", id);
        record.setProperty("area", fault.area());
        record.setProperty("phase", phase);
        record.setProperty("injected", fault.injected());
        record.setProperty("mustHold", String.join("\n", List.of(fault.mustHold())));
        record.setProperty("result", result);
        record.setProperty("test", testClass.getName() + "#" + method.getName()
                + (invocation == null ? "" : " " + context.getDisplayName()));
        record.setProperty("reproduce", reproduce(module, testClass, method));
        Long start = context.getStore(NS).get("start", Long.class);
        if (start != null) {
            record.setProperty("seconds", String.format("%.1f", (System.nanoTime() - start) / 1e9));
        }
        if (cause != null) {
            record.setProperty("failure", String.valueOf(cause.getMessage()).lines().findFirst().orElse("")
                    .strip());
        }
        Path dir = moduleDir.resolve("target/fault-cases");
        try {
            Files.createDirectories(dir);
            try (OutputStream out = Files.newOutputStream(dir.resolve(id.replaceAll("[^A-Za-z0-9._-]", "_")
                    + ".properties"))) {
                record.store(out, null);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record fault case " + id, e);
        }
    }

    /** The display name of a parameterized invocation ("copy"), or null for a plain test. */
    private static String invocation(ExtensionContext context) {
        if (!context.getUniqueId().contains("-invocation:")) {
            return null;
        }
        return context.getDisplayName().replaceAll("^\\[\\d+\\]\\s*", "").replaceAll("^\"(.*)\"$", "$1");
    }

    private static String reproduce(String module, Class<?> testClass, Method method) {
        String selector = testClass.getSimpleName() + "#" + method.getName();
        if (testClass.getSimpleName().endsWith("IT")) {
            return "./mvnw -B -ntp -pl " + module + " -am verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false"
                    + " -Dit.test='" + selector + "'";
        }
        return "./mvnw -B -ntp -pl " + module + " -am verify -Dtest='" + selector + "'"
                + " -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=NONE";
    }
}
