package io.jenkins.plugins.pgofflinebackup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * The step and the build step are two classes with one configuration: same fields, same form, same
 * help. This keeps them from drifting apart, and checks the views the way Jenkins needs them.
 */
class FieldParityTest {

    static Set<String> fields(Class<?> type) {
        Set<String> names = new TreeSet<>();
        for (Constructor<?> constructor : type.getConstructors()) {
            if (constructor.isAnnotationPresent(DataBoundConstructor.class)) {
                for (Parameter parameter : constructor.getParameters()) {
                    names.add(parameter.getName());
                }
            }
        }
        for (Method method : type.getMethods()) {
            if (method.isAnnotationPresent(DataBoundSetter.class)) {
                String property = method.getName().substring(3);
                names.add(Character.toLowerCase(property.charAt(0)) + property.substring(1));
            }
        }
        return names;
    }

    @Test
    void stepAndBuildStepHaveTheSameFields() {
        Set<String> step = fields(PgOfflineBackupStep.class);
        assertEquals(step, fields(PgOfflineBackupBuilder.class));
        assertEquals(Set.of("host", "credentialsId", "pgdata", "dest", "port", "hostKeyVerification", "stopMode",
                "stopTimeout", "startTimeout", "activeSessions", "maxDowntime", "stopCommand", "startCommand", "dbUser",
                "dbName", "pgBin", "serverLog", "service", "sudo", "connectTimeout", "reconnectTimeout", "snapshot",
                "precopy", "keep", "destHost", "destHostKnownHosts", "destHostIdentity", "pullTo"), step);
    }

    @Test
    void restoreStepAndBuildStepHaveTheSameFieldsAndTheBackupsServiceFields() {
        Set<String> step = fields(PgOfflineRestoreStep.class);
        assertEquals(step, fields(PgOfflineRestoreBuilder.class));
        assertEquals(Set.of("host", "credentialsId", "backup", "backupJob", "pgdata", "confirm", "port",
                "hostKeyVerification", "stopMode", "stopTimeout", "startTimeout", "activeSessions", "maxDowntime",
                "stopCommand", "startCommand", "dbUser", "dbName", "pgBin", "serverLog", "service", "sudo", "connectTimeout",
                "reconnectTimeout", "backupHost", "backupHostKnownHosts", "backupHostIdentity"), step);
        Set<String> shared = new TreeSet<>(fields(PgOfflineBackupStep.class));
        shared.removeAll(Set.of("dest", "snapshot", "precopy", "keep", "destHost", "destHostKnownHosts",
                "destHostIdentity", "pullTo"));
        assertTrue(step.containsAll(shared), "the restore lacks a service field of the backup: " + shared);
    }

    @Test
    void theNewStepsAndTheParameterHaveHelpForEveryFieldAndAForm() throws IOException {
        String restoreForm = resource("/lib/pgofflinebackup/restoreFields.jelly");
        for (String field : fields(PgOfflineRestoreStep.class)) {
            assertNotNull(PgOfflineRestoreStep.class.getResource("PgOfflineRestoreStep/help-" + field + ".html"),
                    "PgOfflineRestoreStep/help-" + field + ".html");
            assertTrue(restoreForm.contains("field=\"" + field + "\""), field + " is not in restoreFields.jelly");
        }
        assertEquals(Set.of("host", "credentialsId", "backup", "port", "hostKeyVerification", "pgBin", "connectTimeout",
                "failOnProblems"), fields(PgOfflineVerifyStep.class));
        String verifyForm = resource("/io/jenkins/plugins/pgofflinebackup/PgOfflineVerifyStep/config.jelly");
        for (String field : fields(PgOfflineVerifyStep.class)) {
            assertNotNull(PgOfflineVerifyStep.class.getResource("PgOfflineVerifyStep/help-" + field + ".html"),
                    "PgOfflineVerifyStep/help-" + field + ".html");
            assertTrue(verifyForm.contains("field=\"" + field + "\""), field + " is not in the verify form");
        }
        assertEquals(Set.of("name", "backupJob", "host", "maxBackups", "description"),
                fields(PgOfflineBackupParameterDefinition.class));
        String parameterForm = resource("/io/jenkins/plugins/pgofflinebackup/PgOfflineBackupParameterDefinition/config.jelly");
        for (String field : fields(PgOfflineBackupParameterDefinition.class)) {
            assertNotNull(PgOfflineBackupParameterDefinition.class.getResource(
                    "PgOfflineBackupParameterDefinition/help-" + field + ".html"), "parameter help-" + field + ".html");
            assertTrue(parameterForm.contains("field=\"" + field + "\""), field + " is not in the parameter form");
        }
        assertNotNull(PgOfflineBackupParameterDefinition.class.getResource("PgOfflineBackupParameterDefinition/index.jelly"));
        assertNotNull(PgOfflineBackupParameterValue.class.getResource("PgOfflineBackupParameterValue/value.jelly"));
        for (Class<?> type : List.of(PgOfflineRestoreStep.class, PgOfflineRestoreBuilder.class, PgOfflineVerifyStep.class,
                PgOfflineBackupParameterDefinition.class)) {
            assertNotNull(type.getResource(type.getSimpleName() + "/help.html"), type.getSimpleName() + "/help.html");
            assertNotNull(type.getResource(type.getSimpleName() + "/config.jelly"), type.getSimpleName() + "/config.jelly");
        }
        for (Class<?> action : List.of(PgOfflineBackupAction.class, PgOfflineRestoreAction.class)) {
            assertNotNull(action.getResource(action.getSimpleName() + "/summary.jelly"));
            assertNotNull(action.getResource(action.getSimpleName() + "/index.jelly"));
        }
    }

    @Test
    void everyFieldHasHelpAndIsInTheForm() throws IOException {
        String form = resource("/lib/pgofflinebackup/backupFields.jelly");
        for (String field : fields(PgOfflineBackupStep.class)) {
            assertNotNull(PgOfflineBackupStep.class.getResource("PgOfflineBackupStep/help-" + field + ".html"),
                    "help-" + field + ".html");
            assertTrue(form.contains("field=\"" + field + "\""), field + " is not in backupFields.jelly");
        }
        assertNotNull(KnownHostsFileVerification.class.getResource("KnownHostsFileVerification/help-knownHostsFile.html"));
        assertNotNull(ManuallyProvidedKeyVerification.class.getResource("ManuallyProvidedKeyVerification/help-key.html"));
        for (Class<?> type : List.of(PgOfflineBackupStep.class, PgOfflineBackupBuilder.class,
                KnownHostsFileVerification.class, ManuallyProvidedKeyVerification.class,
                TrustOnFirstUseVerification.class, NonVerifyingVerification.class)) {
            assertNotNull(type.getResource(type.getSimpleName() + "/help.html"), type.getSimpleName() + "/help.html");
            assertNotNull(type.getResource(type.getSimpleName() + "/config.jelly"), type.getSimpleName() + "/config.jelly");
        }
    }

    @Test
    void everyViewEscapesByDefaultAndIsWellFormed() throws Exception {
        List<Path> views = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(resourceRoot())) {
            walk.filter(p -> p.toString().endsWith(".jelly") || p.toString().endsWith(".html")).forEach(views::add);
        }
        assertTrue(views.size() > 30, "found " + views.size() + " views");
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        for (Path view : views) {
            String text = Files.readString(view, StandardCharsets.UTF_8);
            if (view.toString().endsWith(".jelly")) {
                assertTrue(text.startsWith("<?jelly escape-by-default='true'?>"), view + " must escape by default");
                assertTrue(!text.contains("<script") && !text.contains("onclick"), view + " has inline JavaScript");
            }
            try (InputStream in = Files.newInputStream(view)) {
                factory.newDocumentBuilder().parse(in);
            } catch (Exception e) {
                throw new AssertionError(view + " is not well-formed: " + e.getMessage(), e);
            }
        }
    }

    private static Path resourceRoot() throws URISyntaxException {
        return Path.of(PgOfflineBackupStep.class.getResource("/index.jelly").toURI()).getParent();
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = PgOfflineBackupStep.class.getResourceAsStream(name)) {
            assertNotNull(in, name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
