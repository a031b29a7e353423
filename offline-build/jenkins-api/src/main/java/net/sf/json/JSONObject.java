/*
 * Signature-only stand-in, never shipped (see offline-build/jenkins-api/README.md).
 * Mirrors org.kohsuke.stapler:json-lib (2.4-jenkins-N) as bundled by jenkins-core 2.541.3 (read at jenkinsci/json-lib 1d3fd56f),
 * src/main/java/net/sf/json/JSONObject.java. Declares only what the plugin uses; bodies are not the real ones.
 */
package net.sf.json;

// Real: extends AbstractJSON implements JSON, Map<String, Object>, Comparable, with public
// constructors and the whole JSON API.
public final class JSONObject {
    private JSONObject() {
        throw new UnsupportedOperationException("stand-in");
    }

    public String optString(String key) {
        throw new UnsupportedOperationException("stand-in");
    }
}
