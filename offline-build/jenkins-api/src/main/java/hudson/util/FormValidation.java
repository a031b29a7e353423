/*
 * Signature-only stand-in, never shipped (see offline-build/jenkins-api/README.md).
 * Mirrors org.jenkins-ci.main:jenkins-core:2.541.3 (jenkinsci/jenkins tag jenkins-2.541.3),
 * core/src/main/java/hudson/util/FormValidation.java. Declares only what the plugin uses; bodies are not the real ones.
 */
package hudson.util;

import java.io.IOException;

// Real: also implements org.kohsuke.stapler.HttpResponse; error/warning escape the message as HTML.
public abstract class FormValidation extends IOException {
    private static final long serialVersionUID = 1L;

    public enum Kind { OK, WARNING, ERROR }

    public final Kind kind;

    private FormValidation(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    // Trivial behaviour in the factories below: tests look at the kind only.
    public static FormValidation ok() {
        return new Result(Kind.OK, null);
    }

    public static FormValidation ok(String message) {
        return new Result(Kind.OK, message);
    }

    public static FormValidation warning(String message) {
        return new Result(Kind.WARNING, message);
    }

    public static FormValidation error(String message) {
        return new Result(Kind.ERROR, message);
    }

    public abstract String renderHtml();

    private static final class Result extends FormValidation {
        private static final long serialVersionUID = 1L;

        Result(Kind kind, String message) {
            super(kind, message);
        }

        @Override
        public String renderHtml() {
            throw new UnsupportedOperationException("stand-in");
        }
    }
}
