package io.pgofflinebackup.postgres;

/** A run of this tool found in the destination: its id, whether its runner lives, its last event. */
public record PreviousRun(String id, boolean runnerAlive, String lastEvent) {

    static PreviousRun parse(String line) {
        String[] f = line.split("\u001f", 3);
        return new PreviousRun(f[0], f.length > 1 && "true".equals(f[1]), f.length > 2 ? f[2] : "");
    }

    /** The last event without its timestamp. */
    public String lastEventText() {
        int space = lastEvent.indexOf(' ');
        return space < 0 ? lastEvent : lastEvent.substring(space + 1);
    }

    public boolean ended() {
        return lastEventText().startsWith("end ");
    }

    public boolean endedOk() {
        return lastEventText().startsWith("end ok");
    }
}
