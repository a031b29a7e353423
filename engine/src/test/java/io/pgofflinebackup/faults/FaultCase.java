package io.pgofflinebackup.faults;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test as a case of the fault-injection and security suite: what it injects and what must
 * hold afterwards. {@link FaultCaseRecorder} writes one record per run of the test (one per
 * invocation of a parameterized test) into {@code target/fault-cases/}; {@link ReliabilityReport}
 * turns the records of a run into {@code docs/reliability.md}.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(FaultCaseRecorder.class)
public @interface FaultCase {
    /** Stable short name, e.g. {@code backup.runner-killed}; a parameterized test gets its invocation appended. */
    String id();

    /** The section of the issue: "Faults during backup and restore", "Hostile input", "Secrets". */
    String area();

    /**
     * The phase the fault lands in (inspect, stop, copy, verify, start, record, connect, ...);
     * {@code "{0}"} means the first argument of a parameterized invocation.
     */
    String phase();

    /** What the test does to the system. */
    String injected();

    /** What the test asserts afterwards, one statement each. */
    String[] mustHold();
}
