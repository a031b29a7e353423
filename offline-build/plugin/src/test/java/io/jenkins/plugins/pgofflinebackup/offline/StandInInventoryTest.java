package io.jenkins.plugins.pgofflinebackup.offline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The stand-in must hold no class the plugin does not use: every stand-in class is referenced by a
 * plugin class (main or plain test), or by the signature of a stand-in class that is. Read from
 * the class files' constant pools, so nothing is guessed from source text.
 */
class StandInInventoryTest {
    private static final Pattern DESCRIPTOR_NAME = Pattern.compile("L([\\w/$]+)[;<]");
    private static final Pattern CLASS_NAME = Pattern.compile("[\\w/$]+");

    @Test
    void everyStandInClassIsUsed() throws IOException {
        Path standIn = Path.of(System.getProperty("pgob.standin.classes"));
        Set<String> standInClasses = classNames(standIn);
        assertTrue(standInClasses.size() > 30, "stand-in classes: " + standInClasses);

        Set<String> used = new HashSet<>();
        Deque<Path> toRead = new ArrayDeque<>();
        for (Path dir : List.of(Path.of("target/classes"), Path.of("target/test-classes"))) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.filter(p -> p.toString().endsWith(".class") && !p.toString().contains("/offline/"))
                        .forEach(toRead::add);
            }
        }
        Set<Path> read = new HashSet<>();
        while (!toRead.isEmpty()) {
            Path file = toRead.pop();
            if (!read.add(file)) {
                continue;
            }
            for (String name : referencedClasses(file)) {
                String outer = name.contains("$") ? name.substring(0, name.indexOf('$')) : name;
                for (String candidate : List.of(name, outer)) {
                    if (standInClasses.contains(candidate) && used.add(candidate)) {
                        toRead.add(standIn.resolve(candidate + ".class"));
                    }
                }
            }
        }
        Set<String> unused = new TreeSet<>(standInClasses);
        unused.removeAll(used);
        unused.removeIf(name -> name.contains("$") && used.contains(name.substring(0, name.indexOf('$'))));
        assertEquals(Set.of(), unused, "stand-in classes no plugin class uses: remove them");
    }

    private static Set<String> classNames(Path root) throws IOException {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(p -> p.toString().endsWith(".class")).forEach(p -> {
                String relative = root.relativize(p).toString();
                names.add(relative.substring(0, relative.length() - ".class".length()));
            });
        }
        return names;
    }

    /** Class names in a class file's constant pool: class entries and names inside descriptors. */
    private static Set<String> referencedClasses(Path classFile) throws IOException {
        Set<String> names = new HashSet<>();
        try (InputStream raw = Files.newInputStream(classFile); DataInputStream in = new DataInputStream(raw)) {
            in.readInt();
            in.readUnsignedShort();
            in.readUnsignedShort();
            int count = in.readUnsignedShort();
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1: {
                        String utf8 = in.readUTF();
                        if (CLASS_NAME.matcher(utf8).matches()) {
                            names.add(utf8);
                        }
                        Matcher m = DESCRIPTOR_NAME.matcher(utf8);
                        while (m.find()) {
                            names.add(m.group(1));
                        }
                        break;
                    }
                    case 7: case 8: case 16: case 19: case 20:
                        in.readUnsignedShort();
                        break;
                    case 15:
                        in.readUnsignedByte();
                        in.readUnsignedShort();
                        break;
                    case 3: case 4: case 9: case 10: case 11: case 12: case 17: case 18:
                        in.readInt();
                        break;
                    case 5: case 6:
                        in.readLong();
                        i++;
                        break;
                    default:
                        throw new IOException("unknown constant pool tag " + tag + " in " + classFile);
                }
            }
        }
        return names;
    }
}
