package dev.ragtune.rag.collection;

/**
 * Named points in the commit cycle where a fault-injection run can make the process die on the spot, as a kill -9
 * or a power cut would: started with {@code -Dragtune.crashAt=NAME}, the JVM halts (exit code {@value #EXIT_CODE},
 * no shutdown hooks, no finally blocks) when it reaches that point. Without the property this does nothing.
 */
public final class CrashPoint {
    public static final String PROPERTY = "ragtune.crashAt";
    public static final int EXIT_CODE = 86;
    /** The points, in the order a commit passes them. */
    public static final java.util.List<String> ALL = java.util.List.of("stage-chunks", "stage-dense", "stage-bm25", "checksums",
            "manifest", "committed");

    private CrashPoint() {}

    static void at(String point) {
        if (point.equals(System.getProperty(PROPERTY))) Runtime.getRuntime().halt(EXIT_CODE);
    }
}
