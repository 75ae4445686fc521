import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.planner.plan.nodes.exec.ExecNodeContext;

/**
 * Runs Flink SQL scripts on a local mini-cluster for the cdc-routing harness.
 *
 * One long-lived JVM serves many scripts, so tests pay the JVM and planner start once. Protocol, one command per
 * line on stdin, one answer per line on stdout (everything else goes to stderr):
 *   RUN <id> <dir>    execute the statements in dir (files sorted by name, one statement each) and wait for
 *                     every job they start to finish (bounded sources)       -> DONE <id> <millis> | FAIL <id> <msg>
 *   START <id> <dir>  execute them and return once the jobs are submitted   -> STARTED <id> <jobs> | FAIL <id> <msg>
 *   CANCEL <id>       cancel the jobs a START created (those still running)   -> CANCELLED <id> | FAIL <id> <msg>
 *   STOP <id> <dir>   stop them with a savepoint into dir: sources commit their offsets and sinks flush at
 *                     the savepoint, so a successor reading group-offsets neither replays nor skips
 *                                                                             -> STOPPED <id> <savepoint path>
 *   STATE <id>        the state of the jobs a START created, the worst first: FAILED with the failure's cause
 *                     chain, else Flink's JobStatus (RUNNING, RESTARTING, ...)  -> STATE <id> <state> [<msg>]
 * A statement `SET 'key' = 'value'` sets a Flink option for the rest of its script (e.g. restoring a savepoint).
 * Statements are split by the TypeScript side (flink-sql/split.ts), which knows the generated SQL's lexical rules.
 * Flink options come as arguments key=value and apply to every script's TableEnvironment.
 *
 * Every job runs on one mini-cluster the runner starts with its first job and keeps (SharedMiniCluster), as the
 * statements of a Confluent Cloud compute pool share its resources; with the argument --mini-cluster-per-job each job
 * gets a mini-cluster of its own, as Flink's local executor gives it (for benchmarks that compare the two).
 *
 * With the argument --port-file=<file> the runner serves the same protocol to one loopback connection at a time
 * instead of stdin (a runner shared by the suites a test worker runs one after another): it writes its port to
 * the file, answers READY on each connection, and when a connection's input ends it cancels the jobs that
 * connection started and waits for them to end before it closes the connection and takes the next, which therefore
 * finds no job of the last.
 */
public final class FlinkSqlRunner {
    private static final PrintStream STDOUT = System.out;
    private PrintStream answers = STDOUT;
    private static final Pattern SET_OPTION = Pattern.compile("(?is)SET\\s+'([^']+)'\\s*=\\s*'([^']*)'");
    private final Map<String, String> options = new HashMap<>();
    private final Map<String, List<JobClient>> started = new HashMap<>();

    public static void main(String[] args) throws Exception {
        // Everything Flink prints goes to stderr so stdout carries only answers.
        System.setOut(System.err);
        FlinkSqlRunner runner = new FlinkSqlRunner();
        Path portFile = null;
        boolean clusterPerJob = false;
        for (String arg : args) {
            if (arg.equals("--mini-cluster-per-job")) {
                clusterPerJob = true;
                continue;
            }
            if (arg.startsWith("--port-file=")) {
                portFile = Path.of(arg.substring("--port-file=".length()));
                continue;
            }
            int eq = arg.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("option must be key=value: " + arg);
            runner.options.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        if (!clusterPerJob) SharedMiniCluster.install(Configuration.fromMap(runner.options));
        if (portFile != null) runner.serveConnections(portFile);
        runner.answer("READY");
        runner.serve(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
        runner.cancelAll();
        System.exit(0);
    }

    /** Commands until the input ends. */
    private void serve(BufferedReader in) throws IOException {
        String line;
        while ((line = in.readLine()) != null) {
            String[] parts = line.trim().split(" ", 3);
            if (parts.length < 2) continue;
            handle(parts[0], parts[1], parts.length > 2 ? parts[2] : null);
        }
    }

    /** One loopback connection after another, for as long as the JVM runs (its owner stops it with a signal). */
    private void serveConnections(Path portFile) throws IOException {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            // Written whole, then renamed: a reader never sees half a port.
            Path written = Path.of(portFile + ".new");
            Files.writeString(written, Integer.toString(server.getLocalPort()), StandardCharsets.UTF_8);
            Files.move(written, portFile, StandardCopyOption.ATOMIC_MOVE);
            for (;;) {
                try (Socket client = server.accept()) {
                    answers = new PrintStream(client.getOutputStream(), true, StandardCharsets.UTF_8);
                    answer("READY");
                    try {
                        serve(new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8)));
                    } finally {
                        // Before the connection closes: its client's close returns once its jobs have ended.
                        cancelAllAndWait();
                        answers = STDOUT;
                    }
                } catch (IOException error) {
                    error.printStackTrace();
                }
            }
        }
    }

    private void handle(String verb, String id, String argument) {
        try {
            switch (verb) {
                case "RUN": {
                    long start = System.nanoTime();
                    List<JobClient> jobs = execute(Path.of(argument));
                    CompletableFuture.allOf(jobs.stream().map(JobClient::getJobExecutionResult)
                            .toArray(CompletableFuture[]::new)).get();
                    answer("DONE " + id + " " + (System.nanoTime() - start) / 1_000_000);
                    break;
                }
                case "START":
                    started.put(id, execute(Path.of(argument)));
                    answer("STARTED " + id + " " + started.get(id).size());
                    break;
                case "CANCEL":
                    // A job that already ended (failed) has nothing to cancel; its mini-cluster is gone.
                    for (JobClient job : started.getOrDefault(id, List.of()))
                        if (!job.getJobExecutionResult().isDone()) job.cancel().get();
                    started.remove(id);
                    answer("CANCELLED " + id);
                    break;
                case "STATE": {
                    String worst = "NONE";
                    for (JobClient job : started.getOrDefault(id, List.of())) {
                        String state = jobState(job);
                        if (!state.startsWith("RUNNING")) {
                            worst = state;
                            if (state.startsWith("FAILED")) break;
                        } else if (worst.equals("NONE")) worst = state;
                    }
                    answer("STATE " + id + " " + worst);
                    break;
                }
                case "STOP": {
                    List<String> paths = new ArrayList<>();
                    for (JobClient job : started.getOrDefault(id, List.of())) {
                        paths.add(job.stopWithSavepoint(false, argument, SavepointFormatType.CANONICAL).get());
                    }
                    started.remove(id);
                    answer("STOPPED " + id + " " + String.join(",", paths));
                    break;
                }
                default:
                    answer("FAIL " + id + " unknown command " + verb);
            }
        } catch (Throwable error) {
            error.printStackTrace();
            answer("FAIL " + id + " " + rootMessage(error));
        }
    }

    private List<JobClient> execute(Path dir) throws Exception {
        // With 'table.exec.uid.generation' = 'ALWAYS' an operator's uid holds its plan node's id, which the planner
        // numbers per JVM: numbered from the start for every script, a plan gets the uids it would get as the first
        // plan of a fresh JVM, so a successor finds its predecessor's state in a savepoint in any runner.
        ExecNodeContext.resetIdCounter();
        EnvironmentSettings.Builder settings = EnvironmentSettings.newInstance().inStreamingMode();
        TableEnvironment tableEnv = TableEnvironment.create(settings.build());
        options.forEach((key, value) -> tableEnv.getConfig().getConfiguration().setString(key, value));
        List<Path> files;
        try (Stream<Path> listing = Files.list(dir)) {
            files = listing.filter(p -> p.toString().endsWith(".sql")).sorted().collect(Collectors.toList());
        }
        List<JobClient> jobs = new ArrayList<>();
        for (Path file : files) {
            String sql = Files.readString(file, StandardCharsets.UTF_8);
            Matcher set = SET_OPTION.matcher(sql.trim());
            if (set.matches()) {
                tableEnv.getConfig().getConfiguration().setString(set.group(1), set.group(2));
                continue;
            }
            TableResult result = tableEnv.executeSql(sql);
            Optional<JobClient> job = result.getJobClient();
            job.ifPresent(jobs::add);
        }
        return jobs;
    }

    /**
     * FAILED with the cause chain once the job ended in failure (its result future then holds the error: the
     * mini-cluster of a failed job is already shut down, so its status can no longer be asked), else its status.
     */
    private static String jobState(JobClient job) {
        CompletableFuture<JobExecutionResult> result = job.getJobExecutionResult();
        if (result.isDone()) {
            try {
                result.get();
                return "FINISHED";
            } catch (Throwable error) {
                return "FAILED " + causeChain(error);
            }
        }
        try {
            return job.getJobStatus().get(10, TimeUnit.SECONDS).name();
        } catch (Throwable error) {
            return "UNKNOWN " + rootMessage(error);
        }
    }

    private void cancelAll() {
        for (List<JobClient> jobs : started.values()) {
            for (JobClient job : jobs) job.cancel();
        }
    }

    /** Cancels every job a START created and waits until each has ended (a minute at most each). */
    private void cancelAllAndWait() {
        for (List<JobClient> jobs : started.values()) {
            for (JobClient job : jobs) {
                try {
                    if (!job.getJobExecutionResult().isDone()) job.cancel().get(60, TimeUnit.SECONDS);
                    job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
                } catch (Throwable ended) {
                    // Cancelled or failed: ended either way; a job that did not end in time is reported.
                    if (ended instanceof java.util.concurrent.TimeoutException) ended.printStackTrace();
                }
            }
        }
        started.clear();
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        StringBuilder chain = new StringBuilder(String.valueOf(error.getMessage()));
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
            chain.append(" | caused by: ").append(root.getMessage());
        }
        return chain.toString().replace('\n', ' ').replace('\r', ' ');
    }

    /** `Class: message | caused by: Class: message ...` without the future's own wrappers, on one line. */
    private static String causeChain(Throwable error) {
        List<String> causes = new ArrayList<>();
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.util.concurrent.ExecutionException
                    || t instanceof java.util.concurrent.CompletionException) continue;
            causes.add(t.getClass().getSimpleName() + ": " + t.getMessage());
        }
        return String.join(" | caused by: ", causes).replace('\n', ' ').replace('\r', ' ');
    }

    private void answer(String line) {
        synchronized (this) {
            answers.println(line);
            answers.flush();
        }
    }
}
